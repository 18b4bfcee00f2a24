package io.kvsession.sidecar.support.dynamo;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Dynamo's two-part message ({@code lib/runtime/src/pipeline/network/codec/two_part.rs}): big-endian
 * {@code u64 header_len | u64 body_len | u64 checksum | header | body}. Release builds write a checksum of 0 and
 * never check it, so neither does this replica. An empty part is "absent": a prologue, handshake or control message
 * is header-only, a response item is data-only.
 */
record TwoPartFrame(byte[] header, byte[] data) {

    static final int PREFIX = 24;

    static TwoPartFrame headerOnly(String json) {
        return new TwoPartFrame(json.getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    static TwoPartFrame dataOnly(String json) {
        return new TwoPartFrame(new byte[0], json.getBytes(StandardCharsets.UTF_8));
    }

    boolean isHeaderOnly() {
        return header.length > 0 && data.length == 0;
    }

    String headerText() {
        return new String(header, StandardCharsets.UTF_8);
    }

    /**
     * Decodes the message at the start of a request payload the way {@code TwoPartCodec::decode_message} does:
     * bytes after the declared parts are ignored, a payload shorter than it claims is an error.
     */
    static TwoPartFrame decode(byte[] payload) throws ProtocolException {
        if (payload.length < PREFIX) {
            throw new ProtocolException("No message decoded");
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        long headerLength = buffer.getLong();
        long bodyLength = buffer.getLong();
        buffer.getLong();
        if (headerLength < 0 || bodyLength < 0 || headerLength + bodyLength > payload.length - PREFIX) {
            throw new ProtocolException("No message decoded");
        }
        byte[] header = new byte[(int) headerLength];
        byte[] body = new byte[(int) bodyLength];
        buffer.get(header).get(body);
        return new TwoPartFrame(header, body);
    }

    /** The next message on a call-home stream, or null when the peer closed between messages. */
    static TwoPartFrame read(DataInputStream in) throws IOException {
        byte[] prefix = new byte[PREFIX];
        int first = in.read(prefix, 0, 1);
        if (first < 0) {
            return null;
        }
        in.readFully(prefix, 1, PREFIX - 1);
        ByteBuffer lengths = ByteBuffer.wrap(prefix);
        long headerLength = lengths.getLong();
        long bodyLength = lengths.getLong();
        if (headerLength < 0 || bodyLength < 0 || headerLength + bodyLength > Integer.MAX_VALUE) {
            throw new ProtocolException("two-part message of " + headerLength + " + " + bodyLength + " bytes");
        }
        byte[] header = new byte[(int) headerLength];
        byte[] body = new byte[(int) bodyLength];
        try {
            in.readFully(header);
            in.readFully(body);
        } catch (EOFException cut) {
            throw new ProtocolException("stream ended inside a two-part message");
        }
        return new TwoPartFrame(header, body);
    }

    /** Writes the whole message with one write, so a frame is never split by a concurrent writer. */
    void write(OutputStream out) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(PREFIX + header.length + data.length);
        frame.putLong(header.length).putLong(data.length).putLong(0L).put(header).put(data);
        out.write(frame.array());
        out.flush();
    }
}
