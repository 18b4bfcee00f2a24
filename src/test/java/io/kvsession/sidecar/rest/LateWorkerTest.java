package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.workers;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkers;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A worker that starts after the first lifecycle call is picked up once {@code retry-after} (4 s in this test) has
 * passed: "no session control" is not cached forever (SPEC §3.1).
 */
@QuarkusTest
@TestProfile(Profiles.LateWorker.class)
class LateWorkerTest {

    FakeWorkers workers;

    @Test
    void workersThatStartLateArePickedUpAfterRetryAfter() {
        FakeWorker w1 = workers.get("w1");
        long started = System.nanoTime();

        open(newSession("early"), "w1").statusCode(200)
                .body("kind", equalTo("router_only"))
                .body("engine_session", equalTo(false));
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(waitedMillis >= 900, "the first call waited for wait-for-instances (1 s), took " + waitedMillis);
        workers().body("session_control", equalTo("unavailable"))
                .body("workers[0].healthy", equalTo(false));

        // This test is about the cached answer, not SGLang's slow health: w1 answers health at once.
        w1.healthDelay(Duration.ZERO).start();
        open(newSession("still-cached"), "w1").statusCode(200).body("kind", equalTo("router_only"));

        String late = newSession("late");
        Eventually.await(Duration.ofSeconds(8), () -> "an engine-backed open once retry-after (4 s) passed",
                () -> "engine_backed".equals(open(late, "w1").extract().path("kind")));
        assertTrue(w1.sessions().contains(late));
        workers().body("session_control", equalTo("available"))
                .body("workers[0].healthy", equalTo(true));
    }
}
