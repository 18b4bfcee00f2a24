package io.kvsession.sidecar.control.dynamo;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.json.JsonObject;

/**
 * A stand-in for a Dynamo worker's request plane, scripted per test and written with blocking java.net sockets from
 * the upstream layout (not with the production parsers): it reads request frames on the request connection,
 * acknowledges each in order, and answers by dialling the caller's call-home address as the two-part messages of
 * {@code tcp/client.rs} — handshake, prologue, data frames, complete_final, sentinel.
 */
final class ScriptedWorker implements AutoCloseable {

    static final String PATH = "7f3a/session_control";

    /** What the worker does with each request. */
    interface Script {
        /** The acknowledgement ({@code ""} accepts), or {@code null} to drop the request connection instead. */
        default String acknowledge(Request request) {
            return "";
        }

        /** Runs after an accepting acknowledgement, on a thread of its own. */
        void answer(Request request, Answer answer) throws Exception;
    }

    /** One request as read off the wire. */
    record Request(String path, JsonObject headers, JsonObject control, JsonObject body) {
        JsonObject info() {
            return new JsonObject(control.getJsonObject("connection_info").getString("info"));
        }
    }

    private final Script script;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger requestConnections = new AtomicInteger();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    ScriptedWorker(Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    String transport() {
        return "127.0.0.1:" + server.getLocalPort() + "/" + PATH;
    }

    int requestConnections() {
        return requestConnections.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                requestConnections.incrementAndGet();
                threads.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Reads requests in order; the acknowledgements go out in the same order on the same connection. */
    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
                String path = new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
                JsonObject headers = new JsonObject(new String(in.readNBytes(in.readUnsignedShort()),
                        StandardCharsets.UTF_8));
                ByteBuffer payload = ByteBuffer.wrap(in.readNBytes(in.readInt()));
                byte[] header = new byte[(int) payload.getLong()];
                byte[] body = new byte[(int) payload.getLong()];
                payload.getLong();
                payload.get(header).get(body);
                Request request = new Request(path, headers, new JsonObject(new String(header, StandardCharsets.UTF_8)),
                        new JsonObject(new String(body, StandardCharsets.UTF_8)));
                requests.add(request);
                String ack = script.acknowledge(request);
                if (ack == null) {
                    return;
                }
                byte[] text = ack.getBytes(StandardCharsets.UTF_8);
                out.writeInt(text.length);
                out.write(text);
                out.flush();
                if (ack.isEmpty()) {
                    threads.execute(() -> {
                        try (Answer answer = new Answer(request)) {
                            script.answer(request, answer);
                        } catch (Exception ignored) {
                            // A script that fails simply stops answering; the test sees what the client makes of it.
                        }
                    });
                }
            }
        } catch (IOException closed) {
            // The client closed the request connection, or the test ended.
        }
    }

    /** The worker's side of one call-home connection. */
    final class Answer implements AutoCloseable {

        private final Request request;
        private Socket socket;
        private DataInputStream in;
        private OutputStream out;
        private boolean bytewise;

        Answer(Request request) {
            this.request = request;
        }

        /** Opens the call-home connection to the address the request names. */
        Answer dial() throws IOException {
            String address = request.info().getString("address");
            int colon = address.lastIndexOf(':');
            socket = new Socket(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            socket.setTcpNoDelay(true);
            sockets.add(socket);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            return this;
        }

        /** Writes every later frame one byte at a time, each flushed on its own. */
        Answer bytewise() {
            bytewise = true;
            return this;
        }

        Answer handshake() throws IOException {
            return handshake(request.info().getString("subject"));
        }

        Answer handshake(String subject) throws IOException {
            return frame(new JsonObject().put("subject", subject).put("stream_type", "response").encode(), "");
        }

        Answer prologue(String error) throws IOException {
            return frame(new JsonObject().put("error", error).encode(), "");
        }

        Answer item(JsonObject annotated) throws IOException {
            return frame("", new JsonObject().put("data", annotated).put("complete_final", false).encode());
        }

        Answer completeFinal() throws IOException {
            return frame("", "{\"complete_final\":true}");
        }

        Answer sentinel() throws IOException {
            return frame("\"sentinel\"", "");
        }

        Answer frame(String header, String body) throws IOException {
            return raw(bytes(header, body));
        }

        Answer raw(byte[] bytes) throws IOException {
            if (bytewise) {
                for (byte single : bytes) {
                    out.write(single);
                    out.flush();
                }
            } else {
                out.write(bytes);
                out.flush();
            }
            return this;
        }

        /** The next header-only frame the client sends (its text), or {@code "EOF"} once it closes its side. */
        String awaitControl(Duration within) throws IOException {
            socket.setSoTimeout((int) within.toMillis());
            try {
                long headerLength = in.readLong();
                long bodyLength = in.readLong();
                in.readLong();
                String header = new String(in.readNBytes((int) headerLength), StandardCharsets.UTF_8);
                in.readNBytes((int) bodyLength);
                return header;
            } catch (EOFException closed) {
                return "EOF";
            } catch (SocketTimeoutException silent) {
                return "TIMEOUT";
            }
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
            }
        }
    }

    /** A two-part message laid out by hand: u64 header_len, u64 body_len, u64 checksum (0), header, body. */
    static byte[] bytes(String header, String body) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(24).putLong(h.length).putLong(b.length).putLong(0).array());
        out.writeBytes(h);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
