package io.kvsession.sidecar.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.restassured.RestAssured;

/**
 * HTTP/1.1 written byte for byte to the API port: for what HTTP clients refuse to send (a raw non-ASCII path), and
 * for many requests pipelined on one connection, which costs the client next to nothing.
 */
public final class RawHttp {

    /** An answer: its status line and headers, and its body. */
    public record Answer(int status, String head, String body) {

        /** Asserts an RFC 9457 problem with this status whose detail starts so. */
        public void assertProblem(int expected, String detailStart) {
            assertEquals(expected, status, head);
            assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: application/problem+json"), head);
            assertTrue(body.contains("\"detail\":\"" + detailStart), body);
        }
    }

    private RawHttp() {
    }

    /** Sends one request and reads its answer, which must carry a Content-Length. */
    public static Answer send(byte[] request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request);
            return readAnswer(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /**
     * Sends the requests on one keep-alive connection, {@code batch} at a time without waiting for answers, and
     * returns the status of each. Every request must be answered with a Content-Length and keep the connection.
     */
    public static List<Integer> pipeline(List<String> requests, int batch) throws IOException {
        List<Integer> statuses = new ArrayList<>();
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int from = 0; from < requests.size(); from += batch) {
                List<String> slice = requests.subList(from, Math.min(requests.size(), from + batch));
                out.write(String.join("", slice).getBytes(StandardCharsets.UTF_8));
                out.flush();
                for (int i = 0; i < slice.size(); i++) {
                    statuses.add(readAnswer(in).status());
                }
            }
        }
        return statuses;
    }

    private static Answer readAnswer(InputStream in) throws IOException {
        String status = line(in);
        StringBuilder head = new StringBuilder(status);
        int length = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            head.append('\n').append(header);
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring("content-length:".length()).strip());
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Answer(Integer.parseInt(status.split(" ", 3)[1]), head.toString(), body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the server closed the connection after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("localhost", RestAssured.port), 2000);
        socket.setSoTimeout(10_000);
        return socket;
    }
}
