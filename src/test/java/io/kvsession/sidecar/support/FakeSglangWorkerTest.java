package io.kvsession.sidecar.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.SglangBehaviour.ServerInfoRoutes;
import io.kvsession.sidecar.support.SglangBehaviour.SessionMode;
import io.vertx.core.json.JsonObject;

/** The fake SGLang worker behaves as upstream SGLang's HTTP server does, seen through a plain HTTP client. */
class FakeSglangWorkerTest {

    static final String DUPLICATE = "{\"error\":{\"message\":\"Failed to open the session. Check if a session "
            + "with the same id is still open.\"}}";
    static final String DISABLED = "{\"error\":{\"message\":\"Streaming sessions are disabled. "
            + "Please relaunch with --enable-streaming-session.\"}}";

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    FakeWorker worker;

    @BeforeEach
    void start() {
        worker = new FakeWorker("w").start();
    }

    @AfterEach
    void shutdown() {
        worker.shutdown();
    }

    @Test
    void healthAnswersAnEmpty200NoEarlierThanASecondOnBothPaths() throws Exception {
        for (String path : List.of("/health", "/health_generate")) {
            long started = System.nanoTime();
            HttpResponse<String> health = send("GET", path, null);
            assertEquals(200, health.statusCode());
            assertEquals("", health.body());
            assertTrue(health.headers().firstValue("content-type").isEmpty());
            assertTrue(System.nanoTime() - started >= Duration.ofMillis(950).toNanos(), path + " took < 1 s");
        }
        assertEquals(2, worker.healthChecks());
        assertTrue(worker.rpcs().isEmpty());
    }

    @Test
    void healthIsInstantWithoutDelayAndOnlyHealthIsInstantWithoutGeneration() throws Exception {
        worker.healthDelay(Duration.ZERO);
        assertFast(() -> assertEquals(200, send("GET", "/health", null).statusCode()));

        worker.healthDelay(Duration.ofSeconds(1)).sglang().healthGeneration(false);
        assertFast(() -> assertEquals(200, send("GET", "/health", null).statusCode()));
        long started = System.nanoTime();
        assertEquals(200, send("GET", "/health_generate", null).statusCode());
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(950).toNanos());
    }

    @Test
    void healthIs503AtOnceWhileStartingOrShuttingDownAndWhenUnhealthy() throws Exception {
        worker.sglang().starting(true);
        assertFast(() -> assertEquals(503, send("GET", "/health", null).statusCode()));
        worker.sglang().starting(false).startingFor(Duration.ofMillis(300));
        assertFast(() -> assertEquals(503, send("GET", "/health_generate", null).statusCode()));
        Eventually.await(Duration.ofSeconds(2), () -> "up after warm-up", () -> !worker.sglang().isStarting());
        worker.healthDelay(Duration.ZERO);
        assertEquals(200, send("GET", "/health", null).statusCode());

        worker.sglang().shuttingDown(true);
        assertFast(() -> assertEquals(503, send("GET", "/health", null).statusCode()));
        worker.sglang().shuttingDown(false);
        worker.healthy(false);
        HttpResponse<String> unhealthy = send("GET", "/health", null);
        assertEquals(503, unhealthy.statusCode());
        assertEquals("", unhealthy.body());
        assertEquals(405, send("POST", "/health", "{}").statusCode());
    }

    @Test
    void serverInfoTellsTheSessionFlagsOnBothRoutesAndIsNoRpc() throws Exception {
        JsonObject info = json(send("GET", "/server_info", null));
        assertEquals(true, info.getBoolean("enable_streaming_session"));
        assertEquals(false, info.getBoolean("enable_session_radix_cache"));
        assertEquals(SglangBehaviour.VERSION, info.getString("version"));
        assertEquals("ready", info.getString("status"));
        assertEquals(worker.port(), info.getInteger("port"));
        assertEquals(worker.sglang().randomSeed(), info.getLong("random_seed"));
        assertEquals(1, info.getJsonArray("internal_states").size());
        assertEquals(info, json(send("GET", "/get_server_info", null)));
        assertEquals(2, worker.serverInfoReads());
        assertTrue(worker.rpcs().isEmpty());
        assertEquals(405, send("POST", "/server_info", "{}").statusCode());

        worker.sessionMode(SessionMode.RADIX);
        info = json(send("GET", "/server_info", null));
        assertEquals(false, info.getBoolean("enable_streaming_session"));
        assertEquals(true, info.getBoolean("enable_session_radix_cache"));
        worker.sessionMode(SessionMode.NONE);
        info = json(send("GET", "/server_info", null));
        assertEquals(false, info.getBoolean("enable_streaming_session"));
        assertEquals(false, info.getBoolean("enable_session_radix_cache"));
    }

    @Test
    void oldServersLackServerInfoOrBothRoutes() throws Exception {
        worker.sglang().serverInfoRoutes(ServerInfoRoutes.LEGACY_ONLY);
        HttpResponse<String> missing = send("GET", "/server_info", null);
        assertEquals(404, missing.statusCode());
        assertEquals("{\"detail\":\"Not Found\"}", missing.body());
        JsonObject legacy = json(send("GET", "/get_server_info", null));
        assertEquals(true, legacy.getBoolean("enable_streaming_session"));
        assertFalse(legacy.containsKey("enable_session_radix_cache"));

        worker.sglang().serverInfoRoutes(ServerInfoRoutes.NONE);
        assertEquals(404, send("GET", "/server_info", null).statusCode());
        assertEquals(404, send("GET", "/get_server_info", null).statusCode());
        worker.sglang().serverInfoRoutes(ServerInfoRoutes.SERVER_INFO_ONLY);
        assertEquals(404, send("GET", "/get_server_info", null).statusCode());
        assertEquals(200, send("GET", "/server_info", null).statusCode());
    }

    @Test
    void theRandomSeedIsNewOnEveryBootAndRestartForgetsSessions() throws Exception {
        long first = json(send("GET", "/server_info", null)).getLong("random_seed");
        assertEquals(first, json(send("GET", "/server_info", null)).getLong("random_seed"));
        assertEquals(200, open("{\"session_id\":\"kept\",\"capacity_of_str_len\":1}").statusCode());

        worker.stop();
        assertThrows(ConnectException.class, () -> send("GET", "/server_info", null));
        worker.start();
        long second = json(send("GET", "/server_info", null)).getLong("random_seed");
        assertNotEquals(first, second);
        assertEquals(Set.of("kept"), worker.sessions());

        worker.restart(Duration.ofMillis(300));
        assertEquals(Set.of(), worker.sessions());
        assertNotEquals(second, json(send("GET", "/server_info", null)).getLong("random_seed"));
        assertEquals(503, send("GET", "/health", null).statusCode());
        assertEquals(200, open("{\"session_id\":\"kept\",\"capacity_of_str_len\":1}").statusCode());
        Eventually.await(Duration.ofSeconds(2), () -> "warm", () -> !worker.sglang().isStarting());
    }

    @Test
    void anOpenAnswersTheIdAsAJsonStringOnPostAndGet() throws Exception {
        HttpResponse<String> opened = open("{\"session_id\":\"s1\",\"capacity_of_str_len\":4096,\"timeout\":30,"
                + "\"streaming\":true}");
        assertEquals(200, opened.statusCode());
        assertEquals("\"s1\"", opened.body());
        assertEquals("application/json", opened.headers().firstValue("content-type").orElseThrow());
        assertEquals(30.0, worker.sglang().timeoutOf("s1"));
        assertEquals(200, send("GET", "/open_session", "{\"session_id\":\"s2\",\"capacity_of_str_len\":1}")
                .statusCode());
        assertEquals(Set.of("s1", "s2"), worker.sessions());
        assertEquals(1, worker.opens("s1").size());

        HttpResponse<String> generated = open("{\"capacity_of_str_len\":1}");
        String id = json("{\"id\":" + generated.body() + "}").getString("id");
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertTrue(worker.sessions().contains(id));
    }

    @Test
    void aDuplicateOpenIsRefusedWhetherOpenOrInFlight() throws Exception {
        assertEquals(200, open("{\"session_id\":\"dup\",\"capacity_of_str_len\":1}").statusCode());
        HttpResponse<String> again = open("{\"session_id\":\"dup\",\"capacity_of_str_len\":1}");
        assertEquals(400, again.statusCode());
        assertEquals(DUPLICATE, again.body());

        worker.delayOpens(Duration.ofMillis(900));
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(request("POST", "/open_session",
                "{\"session_id\":\"slow\",\"capacity_of_str_len\":1}"), HttpResponse.BodyHandlers.ofString());
        Eventually.await(Duration.ofSeconds(1), () -> "open in flight", () -> worker.opens("slow").size() == 1);
        Eventually.pause(Duration.ofMillis(100));
        assertFast(() -> {
            HttpResponse<String> second = open("{\"session_id\":\"slow\",\"capacity_of_str_len\":1}");
            assertEquals(400, second.statusCode());
            assertEquals(DUPLICATE, second.body());
        });
        assertEquals(200, first.get().statusCode());
        assertTrue(worker.sessions().contains("slow"));
    }

    @Test
    void aStreamingOpenIsRefusedWithoutStreamingSessionsButAPlainOneIsNot() throws Exception {
        for (SessionMode mode : List.of(SessionMode.NONE, SessionMode.RADIX)) {
            worker.sessionMode(mode);
            HttpResponse<String> refused = open("{\"session_id\":\"st\",\"capacity_of_str_len\":1,"
                    + "\"streaming\":true}");
            assertEquals(400, refused.statusCode());
            assertEquals(DISABLED, refused.body());
            assertEquals(Set.of(), worker.sessions());
        }
        worker.sessionMode(SessionMode.NONE);
        assertEquals(200, open("{\"session_id\":\"plain\",\"capacity_of_str_len\":1}").statusCode());
        assertEquals(200, open("{\"session_id\":\"off\",\"capacity_of_str_len\":1,\"streaming\":false}")
                .statusCode());
    }

    @Test
    void aMalformedOpenOrCloseIsA400ValidationError() throws Exception {
        for (String body : List.of("{\"session_id\":\"v\"}", "{\"session_id\":5,\"capacity_of_str_len\":1}",
                "{\"capacity_of_str_len\":\"many\"}", "{\"capacity_of_str_len\":1,\"streaming\":\"yes\"}",
                "{not json", "", "[1]")) {
            HttpResponse<String> invalid = open(body);
            assertEquals(400, invalid.statusCode(), body);
            JsonObject error = json(invalid);
            assertEquals("error", error.getString("object"));
            assertEquals("Bad Request", error.getString("type"));
            assertEquals(400, error.getInteger("code"));
            assertTrue(error.containsKey("param") && error.getValue("param") == null);
        }
        String message = json(open("{\"session_id\":\"v\"}")).getString("message");
        assertTrue(message.contains("capacity_of_str_len") && message.contains("Field required"), message);
        assertEquals(Set.of(), worker.sessions());
        HttpResponse<String> close = send("POST", "/close_session", "{\"id\":\"v\"}");
        assertEquals(400, close.statusCode());
        assertTrue(json(close).getString("message").contains("session_id"));
    }

    @Test
    void aCloseAnswersAnEmpty200ForKnownAndUnknownIds() throws Exception {
        open("{\"session_id\":\"c\",\"capacity_of_str_len\":1}");
        for (String id : List.of("c", "never-opened")) {
            HttpResponse<String> closed = send("POST", "/close_session", "{\"session_id\":\"" + id + "\"}");
            assertEquals(200, closed.statusCode());
            assertEquals("", closed.body());
            assertTrue(closed.headers().firstValue("content-type").isEmpty());
        }
        assertEquals(Set.of(), worker.sessions());
        assertEquals(200, send("GET", "/close_session", "{\"session_id\":\"c\"}").statusCode());
        worker.failCloses(1);
        assertEquals(500, send("POST", "/close_session", "{\"session_id\":\"c\"}").statusCode());
        assertEquals(3, worker.closes("c").size());
    }

    @Test
    void onlyOpensAndClosesAreRpcsAndUnknownRoutesAre404() throws Exception {
        worker.healthDelay(Duration.ZERO);
        send("GET", "/health", null);
        send("GET", "/server_info", null);
        send("GET", "/get_model_info", null);
        open("{\"session_id\":\"r\",\"capacity_of_str_len\":1}");
        send("POST", "/close_session", "{\"session_id\":\"r\"}");
        assertEquals(2, worker.rpcs().size());
        assertTrue(worker.rpcs().get(0).isOpen() && worker.rpcs().get(1).isClose());
        assertEquals(List.of("/server_info", "/get_model_info"), worker.sglang().infoRequests());

        HttpResponse<String> unknown = send("POST", "/session_control", "{}");
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"detail\":\"Not Found\"}", unknown.body());
        assertEquals(405, send("PUT", "/open_session", "{}").statusCode());
    }

    @Test
    void idleSessionsAreReapedAfterTheirTimeoutAndRequestsKeepThemAlive() throws Exception {
        open("{\"session_id\":\"idle\",\"capacity_of_str_len\":1,\"timeout\":0.3}");
        open("{\"session_id\":\"busy\",\"capacity_of_str_len\":1,\"timeout\":0.8}");
        open("{\"session_id\":\"forever\",\"capacity_of_str_len\":1}");
        assertTrue(worker.sessions().contains("idle"));
        long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(worker.sglang().touch("busy"));
            Eventually.pause(Duration.ofMillis(150));
        }
        assertEquals(Set.of("busy", "forever"), worker.sessions());
        Eventually.await(Duration.ofSeconds(3), () -> "busy reaped once idle",
                () -> worker.sessions().equals(Set.of("forever")));
    }

    @Test
    void radixSessionsAreGenerationsWithTombstonesOfClosedIds() throws Exception {
        worker.sessionMode(SessionMode.RADIX);
        SglangBehaviour radix = worker.sglang();
        assertEquals(200, open("{\"session_id\":\"a\",\"capacity_of_str_len\":1}").statusCode());
        assertEquals(1L, radix.radixGeneration("a"));
        assertEquals(400, open("{\"session_id\":\"a\",\"capacity_of_str_len\":1}").statusCode());

        assertEquals(200, send("POST", "/close_session", "{\"session_id\":\"a\"}").statusCode());
        assertTrue(radix.tombstoned("a"));
        assertNull(radix.radixGeneration("a"));
        assertEquals(Set.of(), worker.sessions());

        assertEquals(200, open("{\"session_id\":\"a\",\"capacity_of_str_len\":1}").statusCode());
        assertFalse(radix.tombstoned("a"));
        assertEquals(2L, radix.radixGeneration("a"));

        send("POST", "/close_session", "{\"session_id\":\"never-seen\"}");
        assertTrue(radix.tombstoned("never-seen"));
        assertEquals(3L, radix.radixRequest("implicit"));
        assertEquals(3L, radix.radixRequest("implicit"));
        send("POST", "/close_session", "{\"session_id\":\"implicit\"}");
        assertTrue(radix.tombstoned("implicit"));
        assertEquals(4L, radix.radixRequest("implicit"));
        assertFalse(radix.tombstoned("implicit"));
        assertEquals(Set.of("a", "implicit"), radix.radixSessions());

        worker.sessionMode(SessionMode.STREAMING);
        assertNull(radix.radixRequest("ignored"));
    }

    @Test
    void radixTombstonesAreAnLruOf8192AndAnOpenWithATimeoutIsStillReaped() throws Exception {
        worker.sessionMode(SessionMode.RADIX);
        SglangSessions state = worker.sglang().state();
        for (int i = 0; i <= SglangSessions.TOMBSTONE_LIMIT; i++) {
            state.close("t" + i);
        }
        assertEquals(SglangSessions.TOMBSTONE_LIMIT, worker.sglang().tombstones());
        assertFalse(worker.sglang().tombstoned("t0"));
        assertTrue(worker.sglang().tombstoned("t1"));

        open("{\"session_id\":\"timed\",\"capacity_of_str_len\":1,\"timeout\":0.2}");
        worker.sglang().radixRequest("timed");
        Eventually.await(Duration.ofSeconds(3), () -> "timed reaped", () -> worker.sessions().isEmpty());
        assertTrue(worker.sglang().tombstoned("timed"));
        assertNull(worker.sglang().radixGeneration("timed"));
    }

    @Test
    void aSlowAnswerComesAfterTheOpenTookEffect() throws Exception {
        worker.sglang().delayOpenAnswers(Duration.ofMillis(500));
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request("POST", "/open_session",
                "{\"session_id\":\"late\",\"capacity_of_str_len\":1}"), HttpResponse.BodyHandlers.ofString());
        Eventually.await(Duration.ofMillis(400), () -> "open took effect", () -> worker.sessions().contains("late"));
        assertFalse(answer.isDone());
        assertEquals(200, answer.get().statusCode());
    }

    interface Call {
        void run() throws Exception;
    }

    static void assertFast(Call call) throws Exception {
        long started = System.nanoTime();
        call.run();
        assertTrue(System.nanoTime() - started < Duration.ofMillis(500).toNanos(), "took 500 ms or more");
    }

    HttpResponse<String> open(String body) throws IOException, InterruptedException {
        return send("POST", "/open_session", body);
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        return http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest request(String method, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(worker.url() + path))
                .timeout(Duration.ofSeconds(5));
        if (body == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return builder.header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static JsonObject json(HttpResponse<String> response) {
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow(),
                response.body());
        return new JsonObject(response.body());
    }

    static JsonObject json(String text) {
        return new JsonObject(text);
    }
}
