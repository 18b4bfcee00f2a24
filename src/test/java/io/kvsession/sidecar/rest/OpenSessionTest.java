package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Api;
import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorker.OpenMode;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker;
import io.vertx.core.json.JsonObject;

@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class OpenSessionTest extends FakeWorkersTest {

    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(16);

    @AfterAll
    static void stopClients() {
        CLIENTS.shutdownNow();
    }

    @Test
    void openOnSglangSendsTheTimeoutPlusBufferCapacityAndStreaming() {
        String session = newSession("open");

        open(session, Map.of("instance_id", "w1", "timeout_secs", 120, "context_id", "req-1"))
                .statusCode(200)
                .body("session_id", equalTo(session))
                .body("instance_id", equalTo("w1"))
                .body("kind", equalTo("engine_backed"))
                .body("engine_session", equalTo(true))
                .body("timeout_secs", equalTo(120));

        List<FakeWorker.Rpc> opens = workers.get("w1").opens(session);
        assertEquals(1, opens.size());
        JsonObject body = opens.get(0).body();
        assertEquals(new JsonObject().put("session_id", session).put("capacity_of_str_len", 65536)
                .put("timeout", 150).put("streaming", true), body);
        assertTrue(workers.get("w1").sessions().contains(session), "the worker holds the session before open returns");
    }

    @Test
    void openOnDynamoSendsTheSessionControlAction() {
        String session = newSession("dynamo");

        open(session, Map.of("instance_id", "w2", "capacity_of_str_len", 1024)).statusCode(200)
                .body("kind", equalTo("engine_backed"))
                .body("timeout_secs", equalTo(300));

        JsonNode body = workers.dynamo("w2").openRequests(session).get(0);
        assertEquals(Map.of("action", "open_session", "session_id", session, "timeout", 330,
                "capacity_of_str_len", 1024), new ObjectMapper().convertValue(body, Map.class));
    }

    @Test
    void expiresAtIsRfc3339UtcAndTheTtlAhead() {
        String session = newSession("expiry-field");
        Instant before = Instant.now();

        String expiresAt = open(session, Map.of("instance_id", "w1", "timeout_secs", 60)).statusCode(200)
                .extract().path("expires_at");

        Instant parsed = Instant.parse(expiresAt);
        assertTrue(expiresAt.endsWith("Z"), expiresAt);
        assertTrue(!parsed.isBefore(before.plusSeconds(59)) && parsed.isBefore(before.plusSeconds(62)), expiresAt);
    }

    @Test
    void reopeningOnTheSameInstanceIsIdempotentAndRenewsTheTtl() throws InterruptedException {
        String session = newSession("idempotent");
        String first = open(session, Map.of("instance_id", "w1", "timeout_secs", 60)).statusCode(200)
                .extract().path("expires_at");
        Thread.sleep(20);

        String second = open(session, Map.of("instance_id", "w1", "timeout_secs", 60)).statusCode(200)
                .body("kind", equalTo("engine_backed"))
                .extract().path("expires_at");

        assertEquals(1, workers.get("w1").opens(session).size(), "no second RPC");
        assertTrue(Instant.parse(second).isAfter(Instant.parse(first)), first + " then " + second);
    }

    @Test
    void openingASessionBoundToAnotherInstanceIsAConflict() {
        String session = newSession("conflict");
        open(session, "w1").statusCode(200);

        open(session, "w2").statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("'w1'"));

        assertEquals(0, workers.dynamo("w2").opens(session));
        get(session).statusCode(200).body("instance_id", equalTo("w1"));
    }

    @Test
    void duplicateAnswerFromTheWorkerCountsAsOpen() {
        String session = newSession("duplicate");
        workers.get("w1").hold(session);
        workers.dynamo("w2").hold(session + "-d");

        open(session, "w1").statusCode(200).body("kind", equalTo("engine_backed"));
        open(session + "-d", "w2").statusCode(200).body("kind", equalTo("engine_backed"));
    }

    @Test
    void rejectedOpenIs502WithTheWorkersMessageAndLeavesNoBinding() {
        workers.get("w1").openMode(OpenMode.REJECT);
        workers.dynamo("w2").rejectOpens(FakeWorker.REJECTION);
        for (String instance : List.of("w1", "w2")) {
            String session = newSession("rejected-" + instance);

            open(session, instance).statusCode(502)
                    .contentType("application/problem+json")
                    .body("detail", containsString(FakeWorker.REJECTION))
                    .body("detail", containsString(session));

            get(session).statusCode(404);
        }
    }

    @Test
    void failedDynamoAnswersAre502NamingTheSession() {
        ReplicaDynamoWorker w2 = workers.dynamo("w2");
        Map<String, Runnable> failures = Map.of(
                "error-item", () -> w2.reset().errorItem("CUDA out of memory"),
                "legacy-error-item", () -> w2.reset().legacyErrorItem("CUDA out of memory"),
                "prologue-error", () -> w2.reset().prologueError("engine is shutting down"),
                "unknown-endpoint", () -> w2.reset().ackError("Unknown endpoint: " + w2.path()));
        failures.forEach((name, failure) -> {
            String session = newSession("failed-" + name);
            failure.run();

            open(session, "w2").statusCode(502).body("detail", containsString(session));
            get(session).statusCode(404);
        });
    }

    @Test
    void slowWorkerIs504AndASessionItOpensAfterTheFirstRollbackCloseIsClosedToo() {
        String session = newSession("slow");
        FakeWorker w1 = workers.get("w1");
        w1.delayOpens(Duration.ofMillis(800));

        open(session, "w1").statusCode(504)
                .body("detail", containsString("500 ms"));

        get(session).statusCode(404);
        Eventually.await(Duration.ofSeconds(2), () -> "the open lands late on w1", () -> w1.sessions()
                .contains(session));
        assertTrue(w1.closes(session).size() >= 1, "a first close went out at once: " + w1.rpcs());
        Eventually.await(Duration.ofSeconds(3), () -> "a second close of " + session + " after the late open: "
                + w1.rpcs(), () -> !w1.sessions().contains(session));
        assertTrue(w1.closes(session).size() >= 2);
    }

    @Test
    void aFailedReopenStillClosesTheSessionWhoseCloseItCancelled() {
        String session = newSession("failed-reopen");
        FakeWorker w1 = workers.get("w1");
        open(session, "w1").statusCode(200);
        Api.close(session, Map.of("after_context_id", "ctx-" + session)).statusCode(202);
        w1.openMode(OpenMode.REJECT);

        open(session, "w1").statusCode(502);

        // Well before guard.max-wait (2 s) would release the cancelled deferred close.
        Eventually.await(Duration.ofMillis(1500), () -> "the worker's session closed after the failed re-open",
                () -> !w1.sessions().contains(session));
    }

    @Test
    void unreachableWorkerIs503AndLeavesNoBinding() {
        String session = newSession("down");
        workers.get("w3").stop();

        open(session, "w3").statusCode(503)
                .body("detail", containsString("unreachable"));

        get(session).statusCode(404);
    }

    @Test
    void unknownInstanceIs404() {
        String session = newSession("unknown");

        open(session, "w9").statusCode(404).body("detail", containsString("w9"));

        get(session).statusCode(404);
    }

    @Test
    void sixteenConcurrentOpensOfOneSessionMakeOneRpc() {
        String session = newSession("single-flight");
        workers.get("w1").delay(Duration.ofMillis(200));

        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> open(session, "w1").extract().statusCode(), CLIENTS));
        }

        calls.forEach(call -> assertEquals(200, call.join()));
        assertEquals(1, workers.get("w1").opens(session).size(), "one RPC for 16 concurrent opens");
    }

    @Test
    void concurrentOpensOnAnotherInstanceWhileOpeningConflict() {
        String session = newSession("opening-conflict");
        workers.get("w1").delay(Duration.ofMillis(300));

        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(
                () -> open(session, "w1").extract().statusCode(), CLIENTS);
        Eventually.await(Duration.ofSeconds(2), () -> "open RPC on w1", () -> !workers.get("w1").opens(session)
                .isEmpty());

        open(session, "w2").statusCode(409).body("detail", not(containsString("null")));
        assertEquals(200, first.join());
        assertEquals(0, workers.dynamo("w2").opens(session));
    }
}
