package io.kvsession.sidecar.control;

import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.route;
import static io.kvsession.sidecar.support.Api.workers;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.DynamoCluster;
import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.Profiles;
import io.kvsession.sidecar.support.dynamo.CallHome;
import io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Dynamo workers as a Dynamo deployment has them (SPEC §6 {@code dynamo}): found through a real etcd, called over
 * the TCP request plane, gone when their key goes.
 */
@QuarkusTest
@TestProfile(Profiles.Dynamo.class)
class DynamoWorkersTest {

    DynamoCluster cluster;

    @BeforeEach
    void bothWorkersUp() {
        cluster.etcd().start();
        for (int i = 0; i < 2; i++) {
            cluster.worker(i).reset().start();
        }
        awaitWorker(cluster.worker(0));
        awaitWorker(cluster.worker(1));
    }

    @Test
    void workersAreFoundInEtcdByTheirLeaseIdAndServeOpensAndCloses() {
        ReplicaDynamoWorker d1 = cluster.worker(0);
        String session = newSession("dynamo");
        workers().body("workers.find { it.instance_id == '" + d1.instanceId() + "' }.url", equalTo(d1.url()))
                .body("workers.find { it.instance_id == '" + d1.instanceId() + "' }.protocol", equalTo("dynamo"));

        open(session, Map.of("instance_id", d1.instanceId(), "timeout_secs", 60)).statusCode(200)
                .body("kind", equalTo("engine_backed"));

        assertTrue(d1.sessions().contains(session), "the worker holds it before open returns");
        assertEquals(90, d1.openRequests(session).get(0).get("timeout").asInt(), "TTL + 30 s");
        close(session, Map.of()).statusCode(202).body("engine_close", equalTo("scheduled"));
        Eventually.await(Duration.ofSeconds(3), () -> "the close on " + d1.instanceId(),
                () -> !d1.sessions().contains(session) && d1.closes(session) == 1);
    }

    @Test
    void alreadyExistsIsAnOpenAndAnUnknownSessionCloseIsClosed() {
        ReplicaDynamoWorker d1 = cluster.worker(0);
        String held = newSession("held");
        d1.hold(held);

        open(held, d1.instanceId()).statusCode(200).body("kind", equalTo("engine_backed"));
        String never = newSession("never-opened");
        close(never, Map.of("instance_id", d1.instanceId())).statusCode(202).body("engine_close", equalTo("scheduled"));

        Eventually.await(Duration.ofSeconds(3), () -> "the close of a session the worker never had",
                () -> d1.closes(never) == 1);
        String fence = newSession("fence");
        open(fence, d1.instanceId()).statusCode(200);
        close(fence, Map.of()).statusCode(202);
        Eventually.await(Duration.ofSeconds(3), () -> "the fence's close", () -> d1.closes(fence) == 1);
        assertEquals(1, d1.closes(never), "an unknown session counts as closed: no retry");
    }

    @Test
    void aWorkerThatDoesNotAnswerInTimeIs504AndItsLateOpenIsRolledBack() {
        ReplicaDynamoWorker d2 = cluster.worker(1);
        String session = newSession("slow");
        d2.answerDelay(Duration.ofMillis(800));

        open(session, d2.instanceId()).statusCode(504).body("detail", containsString(session));

        get(session).statusCode(404);
        d2.answerDelay(Duration.ZERO);
        Eventually.await(Duration.ofSeconds(4), () -> "the late open rolled back on " + d2.instanceId(),
                () -> d2.closes(session) >= 1 && !d2.sessions().contains(session));
    }

    @Test
    void aCallHomeDroppedMidStreamIs503AndRolledBack() {
        ReplicaDynamoWorker d2 = cluster.worker(1);
        String session = newSession("dropped");
        d2.callHome(CallHome.DROP_AFTER_PROLOGUE);

        open(session, d2.instanceId()).statusCode(503).body("detail", containsString(session));

        d2.callHome(CallHome.NORMAL);
        get(session).statusCode(404);
        Eventually.await(Duration.ofSeconds(3), () -> "the rollback close of a call that may have landed",
                () -> d2.closes(session) >= 1 && !d2.sessions().contains(session));
    }

    @Test
    void aWorkerWhoseKeyGoesIsDroppedWithItsBindings() {
        ReplicaDynamoWorker leaving = cluster.register();
        awaitWorker(leaving);
        String session = newSession("leaving");
        open(session, leaving.instanceId()).statusCode(200);

        leaving.loseLease();

        Eventually.await(Duration.ofSeconds(3), () -> leaving.instanceId() + " gone from the workers",
                () -> !workerIds().contains(leaving.instanceId()));
        get(session).statusCode(404);
        Map<String, Object> control = new HashMap<>();
        control.put("session_id", session);
        control.put("action", null);
        route(Map.of("context_id", "c", "instance_id", cluster.worker(0).instanceId(), "session_control", control))
                .statusCode(200).body("sticky", equalTo(false));
        open(newSession("gone"), leaving.instanceId()).statusCode(404);
        leaving.close();
    }

    @Test
    void aWorkerWhoseKeepAlivesStopIsGoneOnceItsLeaseLapses() {
        ReplicaDynamoWorker silent = cluster.register();
        awaitWorker(silent);

        silent.stopKeepAlives();

        Eventually.await(Duration.ofSeconds(8), () -> silent.instanceId() + " gone after its lease lapsed",
                () -> !workerIds().contains(silent.instanceId()));
        silent.close();
    }

    @Test
    void anEtcdOutageChangesNothingUntilItReturns() {
        List<String> before = workerIds();
        cluster.etcd().stop();

        open(newSession("during-outage"), cluster.worker(0).instanceId()).statusCode(200)
                .body("kind", equalTo("engine_backed"));
        assertEquals(before, workerIds(), "the known workers stay while etcd is down");

        cluster.etcd().start();
        ReplicaDynamoWorker late = cluster.register();
        awaitWorker(late);
        assertTrue(workerIds().containsAll(before));
        late.close();
    }

    private static void awaitWorker(ReplicaDynamoWorker worker) {
        Eventually.await(Duration.ofSeconds(10), () -> worker.instanceId() + " among the workers",
                () -> workerIds().contains(worker.instanceId()));
    }

    private static List<String> workerIds() {
        return workers().statusCode(200).extract().jsonPath().getList("workers.instance_id");
    }
}
