package io.kvsession.sidecar.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.HardeningProfiles;
import io.kvsession.sidecar.support.HardeningProfiles.FewConnections;
import io.kvsession.sidecar.support.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * Issue #11, finding 7: connections no longer pile up. The API port keeps at most its cap of connections
 * ({@value FewConnections#MAX_CONNECTIONS} here), the management port answers while the API port is full, and a
 * connection that stays quiet for the idle timeout (2 s here) — idle, or stalled in the middle of a request head —
 * is closed.
 */
@QuarkusTest
@TestProfile(HardeningProfiles.FewConnections.class)
class ConnectionLimitsTest {

    private static final String REQUEST = "GET /v1/workers HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @Test
    void connectionsOverTheCapAreClosedWhileHealthAnswersAndHeldOnesAreClosedWhenIdle() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < FewConnections.MAX_CONNECTIONS + 2; i++) {
                Socket socket = connect();
                send(socket, REQUEST);
                sockets.add(socket);
            }
            List<Socket> served = sockets.stream().filter(ConnectionLimitsTest::answered).toList();
            assertTrue(served.size() >= FewConnections.MAX_CONNECTIONS - 1 && served.size()
                    <= FewConnections.MAX_CONNECTIONS, "served up to the cap: " + served.size());
            sockets.stream().filter(socket -> !served.contains(socket))
                    .forEach(socket -> assertTrue(closedByServer(socket), "over the cap: closed unanswered"));

            Management.get("/q/health/ready").statusCode(200);

            for (Socket socket : served) {
                Eventually.await(FewConnections.IDLE_TIMEOUT.multipliedBy(3), () -> "a kept-alive connection "
                        + "closed once idle", () -> closedByServer(socket));
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        given().get("/v1/workers").then().statusCode(200);
    }

    @Test
    void silentAndStalledConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        try (Socket silent = connect(); Socket stalled = connect()) {
            send(stalled, "GET /v1/workers HTTP/1.1\r\nHost: localhost\r\nX-Never-Ends: ");
            long opened = System.nanoTime();
            for (Socket socket : List.of(silent, stalled)) {
                Eventually.await(FewConnections.IDLE_TIMEOUT.multipliedBy(3), () -> "a quiet connection closed",
                        () -> closedByServer(socket));
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - opened).compareTo(FewConnections.IDLE_TIMEOUT
                    .dividedBy(2)) > 0, "closed for being idle, not at once");
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("localhost", RestAssured.port), 2000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Whether the request on the socket was answered 200; false when the server closed it unanswered. */
    private static boolean answered(Socket socket) {
        try {
            socket.setSoTimeout(3000);
            byte[] status = socket.getInputStream().readNBytes(12);
            if (status.length < 12) {
                return false;
            }
            assertEquals("HTTP/1.1 200", new String(status, StandardCharsets.US_ASCII));
            socket.getInputStream().skip(socket.getInputStream().available());
            return true;
        } catch (IOException reset) {
            return false;
        }
    }

    /** Whether the server has closed the connection: a read ends (or is reset) instead of waiting. */
    private static boolean closedByServer(Socket socket) {
        try {
            socket.setSoTimeout(100);
            InputStream in = socket.getInputStream();
            int read;
            do {
                read = in.read();
            } while (read >= 0);
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
