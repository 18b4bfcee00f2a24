package io.kvsession.sidecar.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.RedisServer;
import io.kvsession.sidecar.support.SidecarProcess;

/**
 * Packaged sidecars sharing one real Redis, as router replicas share it (SPEC §8): a binding made through one is
 * sticky through the other, concurrent opens through both make one worker RPC, an expiry is closed once, the closes
 * a killed replica owed are sent by another, and a restart of every replica keeps every binding; the requests in
 * flight, the children of a session and the sessions per worker are the store's too (SPEC §9.6).
 */
class SharedStoreIT {

    private final FakeWorker worker = new FakeWorker("w1").healthDelay(Duration.ZERO).start();
    private RedisServer redis;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.launch();
    }

    @AfterEach
    void stopAll() {
        worker.shutdown();
        redis.close();
    }

    @Test
    void replicasShareBindingsOpensExpiriesAndOwedCloses() throws Exception {
        try (SidecarProcess a = replica("a"); SidecarProcess b = replica("b")) {
            assertEquals(200, a.post("/v1/sessions/shared/open", "{\"instance_id\":\"w1\"}").statusCode());
            HttpResponse<String> routed = b.post("/v1/route", route("shared", "elsewhere"));
            assertTrue(routed.body().contains("\"instance_id\":\"w1\"") && routed.body().contains("\"sticky\":true"),
                    "a binding made through A sticks through B: " + routed.body());

            worker.delay(Duration.ofMillis(300));
            CompletableFuture<HttpResponse<String>> throughA = CompletableFuture.supplyAsync(
                    () -> post(a, "/v1/sessions/both/open", "{\"instance_id\":\"w1\"}"));
            CompletableFuture<HttpResponse<String>> throughB = CompletableFuture.supplyAsync(
                    () -> post(b, "/v1/sessions/both/open", "{\"instance_id\":\"w1\"}"));
            assertEquals(200, throughA.get().statusCode(), throughA.get().body());
            assertEquals(200, throughB.get().statusCode(), throughB.get().body());
            assertEquals(1, worker.opens("both").size(), "one worker RPC for two replicas' opens");
            worker.delay(Duration.ZERO);

            assertEquals(200, a.post("/v1/sessions/again/open", "{\"instance_id\":\"w1\"}").statusCode());
            assertTrue(b.post("/v1/route", "{\"context_id\":\"last-turn\",\"instance_id\":\"w1\",\"session_control\""
                    + ":{\"session_id\":\"again\",\"action\":\"close\"}}").body().contains("\"deferred_close\":true"));
            assertEquals(200, a.post("/v1/sessions/again/open", "{\"instance_id\":\"w1\"}").statusCode());
            assertEquals(200, b.post("/v1/requests/last-turn/finish", "").statusCode());
            Eventually.await(Duration.ofSeconds(3), () -> "B calls off the close it held, as A re-opened the session",
                    () -> log(b).contains("action=close outcome=superseded session_id=again"));
            assertTrue(worker.sessions().contains("again") && worker.closes("again").isEmpty(),
                    "the re-opened session is not closed by the other replica's stale close: " + worker.rpcs());

            assertEquals(200, a.post("/v1/sessions/brief/open", "{\"instance_id\":\"w1\",\"timeout_secs\":1}")
                    .statusCode());
            Eventually.await(Duration.ofSeconds(6), () -> "the expiry close of brief",
                    () -> !worker.closes("brief").isEmpty());
            assertEquals(200, b.post("/v1/sessions/fence/open", "{\"instance_id\":\"w1\",\"timeout_secs\":1}")
                    .statusCode());
            Eventually.await(Duration.ofSeconds(6), () -> "the expiry close of fence",
                    () -> !worker.closes("fence").isEmpty());
            assertEquals(1, worker.closes("brief").size(), "both replicas sweep; one of them closes it, once");

            worker.stop();
            assertEquals(202, a.post("/v1/sessions/shared/close", "{}").statusCode());
            Eventually.await(Duration.ofSeconds(3), () -> "A retrying the close it owes",
                    () -> log(a).contains("action=close outcome=retried session_id=shared"));
            a.kill();
            worker.start();
            Eventually.await(Duration.ofSeconds(10), () -> "B sends the close the killed A owed",
                    () -> !worker.closes("shared").isEmpty() && !worker.sessions().contains("shared"));
            assertEquals(0, b.terminate(Duration.ofSeconds(15)));
        }
        try (SidecarProcess c = replica("c")) {
            HttpResponse<String> kept = c.get("/v1/sessions/both");
            assertEquals(200, kept.statusCode(), "a restart of every replica keeps every binding: " + kept.body());
            assertTrue(kept.body().contains("\"engine_session\":true"), kept.body());
        }
    }

    @Test
    void holdsChildrenAndAdmissionAreTheStoresNotAReplicas() throws Exception {
        Map<String, String> twoPerWorker = Map.of("kvsession.admission.max-sessions-per-instance", "2");
        try (SidecarProcess a = replica("a", twoPerWorker); SidecarProcess b = replica("b", twoPerWorker)) {
            assertEquals(200, a.post("/v1/sessions/root/open", "{\"instance_id\":\"w1\"}").statusCode());
            HttpResponse<String> child = b.post("/v1/route", "{\"context_id\":\"sub\",\"instance_id\":\"w9\","
                    + "\"headers\":{\"x-dynamo-session-id\":\"child\",\"x-dynamo-parent-session-id\":\"root\"}}");
            assertTrue(child.body().contains("\"instance_id\":\"w1\""), "the child goes to its parent's worker, "
                    + "bound through the other replica: " + child.body());

            assertTrue(a.get("/v1/sessions/child").body().contains("\"in_flight\":1"), "B's request holds it for A");
            assertTrue(a.get("/v1/sessions/root").body().contains("\"children\":[\"child\"]"));
            assertEquals(429, a.post("/v1/sessions/third/open", "{\"instance_id\":\"w1\"}").statusCode(),
                    "w1 holds 2 sessions, whichever replica bound them");
            assertEquals(200, a.post("/v1/requests/sub/finish", "").statusCode());
            assertTrue(b.get("/v1/sessions/child").body().contains("\"in_flight\":0"), "a finish on A releases B's "
                    + "hold");

            assertEquals(202, b.post("/v1/sessions/root/close", "{}").statusCode());
            Eventually.await(Duration.ofSeconds(5), () -> "the child closed with its parent: " + worker.rpcs(),
                    () -> !worker.closes("child").isEmpty() && !worker.closes("root").isEmpty());
            assertEquals(404, a.get("/v1/sessions/child").statusCode());
            assertEquals(1, worker.closes("child").size());
        }
    }

    private SidecarProcess replica(String name) throws Exception {
        return replica(name, Map.of());
    }

    private SidecarProcess replica(String name, Map<String, String> more) throws Exception {
        Map<String, String> properties = new HashMap<>(more);
        properties.put("kvsession.workers.\"w1\".url", worker.url());
        properties.put("kvsession.affinity.store", "redis");
        properties.put("quarkus.redis.hosts", redis.uri());
        properties.put("kvsession.affinity.redis.replica-timeout", "2s");
        properties.put("kvsession.affinity.reaper-interval", "200ms");
        properties.put("kvsession.control.wait-for-instances", "3s");
        properties.put("kvsession.rpc.open-timeout", "1s");
        properties.put("kvsession.rpc.close-max-backoff", "300ms");
        return SidecarProcess.start("shared-store-" + name, properties);
    }

    private static String log(SidecarProcess sidecar) {
        try {
            return sidecar.log();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> post(SidecarProcess sidecar, String path, String body) {
        try {
            return sidecar.post(path, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String route(String session, String pick) {
        return "{\"context_id\":\"ctx-" + session + "\",\"instance_id\":\"" + pick
                + "\",\"session_control\":{\"session_id\":\"" + session + "\",\"action\":null}}";
    }
}
