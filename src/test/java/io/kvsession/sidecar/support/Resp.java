package io.kvsession.sidecar.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough RESP2 to drive a test Redis over a plain socket, one command per connection: tests check the server,
 * not a client library, so none sits between them.
 */
final class Resp {

    private static final int CONNECT_TIMEOUT_MILLIS = 1000;
    private static final int READ_TIMEOUT_MILLIS = 5000;

    private Resp() {
    }

    /**
     * Sends one command to 127.0.0.1:{@code port} and returns the answer: a String (simple or bulk), a Long, a List
     * (of these), or null (nil). An error answer throws {@link IllegalStateException} with Redis's message.
     */
    static Object call(int port, String... command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(encode(command));
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    private static byte[] encode(String... command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("*" + command.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String argument : command) {
            byte[] value = argument.getBytes(StandardCharsets.UTF_8);
            bytes.writeBytes(("$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            bytes.writeBytes(value);
            bytes.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    private static Object read(InputStream in) throws IOException {
        String line = line(in);
        String rest = line.substring(1);
        return switch (line.charAt(0)) {
            case '+' -> rest;
            case '-' -> throw new IllegalStateException("redis-server answered: " + rest);
            case ':' -> Long.parseLong(rest);
            case '$' -> bulk(in, Integer.parseInt(rest));
            case '*' -> array(in, Integer.parseInt(rest));
            default -> throw new IOException("not a RESP2 answer: " + line);
        };
    }

    private static String bulk(InputStream in, int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] value = in.readNBytes(length + 2);
        if (value.length < length + 2) {
            throw new EOFException("redis-server closed the connection mid-answer");
        }
        return new String(value, 0, length, StandardCharsets.UTF_8);
    }

    private static List<Object> array(InputStream in, int count) throws IOException {
        if (count < 0) {
            return null;
        }
        List<Object> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            elements.add(read(in));
        }
        return elements;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int previous = -1;
        for (int next = in.read(); next != -1; next = in.read()) {
            if (previous == '\r' && next == '\n') {
                byte[] line = bytes.toByteArray();
                return new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
            }
            bytes.write(next);
            previous = next;
        }
        throw new EOFException("redis-server closed the connection mid-answer");
    }
}
