package io.kvsession.sidecar.store;

import static io.kvsession.sidecar.support.Api.bind;
import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.route;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Management;
import io.kvsession.sidecar.support.Metrics;
import io.kvsession.sidecar.support.Profiles;
import io.kvsession.sidecar.support.RedisServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The lifecycle on the redis store (SPEC §8): the same API, bindings kept in Redis, and while Redis is down open,
 * bind and close answer 503 naming the store and change nothing, routes use the router's pick, readiness stays up
 * and says {@code store: down}; all recovers by itself.
 */
@QuarkusTest
@TestProfile(Profiles.RedisStore.class)
class RedisStoreTest extends FakeWorkersTest {

    RedisServer redis;

    @AfterEach
    void redisUp() {
        redis.start();
    }

    @Test
    void bindingsLiveInRedisAndTheLifecycleIsTheSame() throws Exception {
        String session = newSession("redis");
        FakeWorker w1 = workers.get("w1");

        open(session, "w1").statusCode(200).body("kind", equalTo("engine_backed"));
        assertTrue(w1.sessions().contains(session));
        assertTrue(redis.command("HGET", "{kvsession}:b", session).toString().startsWith("w1\te\t"),
                "the binding is a field of the store's hash");
        route(directive("ctx-1", "w3", session, null)).statusCode(200)
                .body("instance_id", equalTo("w1")).body("sticky", equalTo(true));

        close(session, Map.of()).statusCode(202).body("engine_close", equalTo("scheduled"));
        get(session).statusCode(404);
        Eventually.await(Duration.ofSeconds(3), () -> "the close on w1", () -> !w1.sessions().contains(session));
        Eventually.await(Duration.ofSeconds(3), () -> "the landed close leaves the ledger",
                () -> Long.valueOf(0).equals(call("HLEN", "{kvsession}:c")));
    }

    @Test
    void aDeferredCloseIsWrittenDownUntilItsRequestFinishes() throws Exception {
        String session = newSession("held");
        FakeWorker w3 = workers.get("w3");
        open(session, "w3").statusCode(200);

        route(directive("ctx-last-" + session, "w3", session, "close")).statusCode(200)
                .body("deferred_close", equalTo(true));
        assertTrue(call("HGET", "{kvsession}:c", session + "\tw3").toString().contains("\th\t"),
                "held in the ledger, so that a finish on any replica releases it");

        io.kvsession.sidecar.support.Api.finish("ctx-last-" + session).statusCode(200);
        Eventually.await(Duration.ofSeconds(3), () -> "the close after the finish",
                () -> !w3.sessions().contains(session));
    }

    @Test
    void whileRedisIsDownCallsAre503NamingTheStoreAndRoutesUseThePick() {
        String kept = newSession("kept");
        open(kept, "w1").statusCode(200);
        double fellBack = Metrics.value("kvsession_lifecycle_calls_total", "operation=\"route\"",
                "outcome=\"store_down\"");

        redis.stop();
        String session = newSession("during-outage");
        open(session, "w1").statusCode(503)
                .contentType("application/problem+json")
                .body("detail", containsString("affinity store (redis at redis://127.0.0.1"));
        assertTrue(workers.get("w1").opens(session).isEmpty(), "nothing reached the worker either");
        bind(session, Map.of("instance_id", "w1")).statusCode(503);
        close(kept, Map.of()).statusCode(503);
        route(directive("ctx-2", "w3", kept, null)).statusCode(200)
                .body("instance_id", equalTo("w3")).body("sticky", equalTo(false));
        assertEquals(fellBack + 1, Metrics.value("kvsession_lifecycle_calls_total", "operation=\"route\"",
                "outcome=\"store_down\""));
        Management.get("/q/health/ready").statusCode(200)
                .body("checks.find { it.name == 'kvsession-sidecar' }.data.store", equalTo("down"));

        redis.start();
        Eventually.await(Duration.ofSeconds(5), () -> "calls succeed again once Redis is back",
                () -> get(kept).extract().statusCode() == 200);
        get(kept).body("instance_id", equalTo("w1")).body("engine_session", equalTo(true));
        route(directive("ctx-3", "w3", kept, null)).statusCode(200).body("sticky", equalTo(true));
        Management.get("/q/health/ready").statusCode(200)
                .body("checks.find { it.name == 'kvsession-sidecar' }.data.store", equalTo("up"));
    }

    private Object call(String... command) {
        try {
            return redis.command(command);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Object> directive(String contextId, String pick, String session, String action) {
        Map<String, Object> control = new HashMap<>();
        control.put("session_id", session);
        control.put("action", action);
        return Map.of("context_id", contextId, "instance_id", pick, "session_control", control);
    }
}
