package io.kvsession.sidecar.lifecycle;

import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.workers;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.dynamo.DynamoRpc;
import io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker;
import io.kvsession.sidecar.support.FakeWorker.OpenMode;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** One breaker per worker (8 calls, 50 %, 500 ms delay in tests); only the worker's own faults count. */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class CircuitBreakerTest extends FakeWorkersTest {

    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(8);

    @AfterAll
    static void stopClients() {
        CLIENTS.shutdownNow();
    }

    @Test
    void aHangingWorkerTripsItsBreakerThenFailsFastAndRecoversOnItsOwn() {
        FakeWorker w3 = workers.get("w3");
        w3.delay(Duration.ofSeconds(2));
        List<CompletableFuture<Integer>> stalled = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String session = newSession("hang-" + i);
            stalled.add(CompletableFuture.supplyAsync(() -> open(session, "w3").extract().statusCode(), CLIENTS));
        }
        stalled.forEach(call -> assertEquals(504, call.join()));
        workers().body("workers.find { it.instance_id == 'w3' }.circuit", equalTo("open"));

        long opensBefore = opensOf(w3);
        long started = System.nanoTime();
        open(newSession("fast-fail"), "w3").statusCode(503)
                .header("Retry-After", "1")
                .body("detail", containsString("circuit breaker of worker w3 is open"));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis < 250, "an open breaker answers at once instead of after 500 ms, took " + tookMillis);
        assertEquals(opensBefore, opensOf(w3), "the open did not reach w3");
        open(newSession("other-worker"), "w1").statusCode(200);

        w3.delay(Duration.ZERO);
        String recovered = newSession("recovered");
        Eventually.await(Duration.ofSeconds(3), () -> "w3 accepts opens once its breaker half-opens",
                () -> open(recovered, "w3").extract().statusCode() == 200);
        workers().body("workers.find { it.instance_id == 'w3' }.circuit", equalTo("closed"))
                .body("workers.find { it.instance_id == 'w3' }.healthy", equalTo(true));
    }

    @Test
    void expectedAnswersAndRejectionsNeverTripTheBreaker() {
        FakeWorker w1 = workers.get("w1");
        ReplicaDynamoWorker w2 = workers.dynamo("w2");
        for (int i = 0; i < 10; i++) {
            String held = newSession("held-" + i);
            w1.hold(held);
            w2.hold(held);
            open(held, "w1").statusCode(200);
            open(held + "-d", "w2").statusCode(200);
            close(newSession("unknown-" + i), Map.of("instance_id", "w2")).statusCode(202);
        }
        w1.openMode(OpenMode.REJECT);
        for (int i = 0; i < 10; i++) {
            open(newSession("rejected-" + i), "w1").statusCode(502);
        }

        Eventually.await(Duration.ofSeconds(3), () -> "the unknown-session closes on w2 answered",
                () -> w2.rpcs().stream().filter(DynamoRpc::isClose).count() >= 10);
        workers().body("workers.find { it.instance_id == 'w1' }.circuit", equalTo("closed"))
                .body("workers.find { it.instance_id == 'w2' }.circuit", equalTo("closed"));
        w1.openMode(OpenMode.NORMAL);
        open(newSession("still-fine"), "w1").statusCode(200);
    }

    private static long opensOf(FakeWorker worker) {
        return worker.rpcs().stream().filter(FakeWorker.Rpc::isOpen).count();
    }
}
