package io.kvsession.sidecar.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server on a loopback UDP port that answers A and AAAA questions from records the test sets: a name it has
 * no records for is NXDOMAIN. Just enough of RFC 1035 for a resolver's queries.
 */
public final class FakeDns implements AutoCloseable {

    private static final int TYPE_A = 1;
    private static final int TYPE_AAAA = 28;

    private final DatagramSocket socket;
    private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();
    private final Thread server;
    private volatile boolean answerAaaa = true;

    public FakeDns() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        server = new Thread(this::serve, "fake-dns");
        server.setDaemon(true);
        server.start();
    }

    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** The name's records from now on; an empty list removes the name. */
    public void set(String name, List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            records.remove(name.toLowerCase(Locale.ROOT));
        } else {
            records.put(name.toLowerCase(Locale.ROOT), List.copyOf(addresses));
        }
    }

    /** Whether AAAA questions are answered; when not, they time out, as on a resolver that drops them. */
    public void answerAaaa(boolean value) {
        answerAaaa = value;
    }

    @Override
    public void close() {
        socket.close();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                byte[] answer = answer(ByteBuffer.wrap(query.getData(), 0, query.getLength()));
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private byte[] answer(ByteBuffer query) {
        int id = query.getShort() & 0xffff;
        query.position(12);
        int questionStart = query.position();
        StringBuilder name = new StringBuilder();
        for (int length = query.get() & 0xff; length > 0; length = query.get() & 0xff) {
            byte[] label = new byte[length];
            query.get(label);
            name.append(name.length() == 0 ? "" : ".").append(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
        }
        int type = query.getShort() & 0xffff;
        query.getShort();
        int questionEnd = query.position();
        if (type == TYPE_AAAA && !answerAaaa) {
            return null;
        }
        List<InetAddress> known = records.get(name.toString().toLowerCase(Locale.ROOT));
        int size = type == TYPE_A ? 4 : 16;
        List<InetAddress> matching = known == null ? List.of()
                : known.stream().filter(address -> address.getAddress().length == size).toList();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(12);
        header.putShort((short) id);
        header.putShort((short) (known == null ? 0x8183 : 0x8180));
        header.putShort((short) 1).putShort((short) matching.size()).putShort((short) 0).putShort((short) 0);
        out.writeBytes(header.array());
        out.write(query.array(), query.arrayOffset() + questionStart, questionEnd - questionStart);
        for (InetAddress address : matching) {
            ByteBuffer record = ByteBuffer.allocate(12 + size);
            record.putShort((short) 0xc00c).putShort((short) type).putShort((short) 1).putInt(1)
                    .putShort((short) size).put(address.getAddress());
            out.writeBytes(record.array());
        }
        return out.toByteArray();
    }
}
