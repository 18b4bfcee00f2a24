package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.finish;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.route;
import static io.kvsession.sidecar.support.Api.workers;
import static io.kvsession.sidecar.support.GrpcStatus.assertCode;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvsession.sidecar.grpc.v1.ListWorkersRequest;
import io.kvsession.sidecar.grpc.v1.OpenSessionRequest;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc.SessionLifecycleBlockingStub;
import io.kvsession.sidecar.grpc.v1.Worker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Admission per worker (SPEC §9.5), over REST and gRPC: every worker takes 2 sessions. Each test closes what it
 * opened, so that the next starts with empty workers.
 */
@QuarkusTest
@TestProfile(Profiles.Admission.class)
class AdmissionTest extends FakeWorkersTest {

    private static final Metadata.Key<String> SUGGESTED = Metadata.Key.of("suggested-instance-id",
            Metadata.ASCII_STRING_MARSHALLER);

    @GrpcClient("sidecar")
    SessionLifecycleBlockingStub sidecar;

    private final List<String> opened = new ArrayList<>();

    @AfterEach
    void closeWhatWasOpened() {
        opened.forEach(session -> close(session, Map.of()).statusCode(202));
    }

    @Test
    void aFullWorkerRefusesNewSessionsAndSuggestsTheWorkerWithTheMostRoom() {
        fill("w1", 2);
        open(session("w3-1"), "w3").statusCode(200);
        String third = newSession("third");

        open(third, "w1").statusCode(429)
                .body("detail", containsString("w1"))
                .body("suggested_instance_id", equalTo("w2"));

        assertTrue(workers.get("w1").opens(third).isEmpty(), "a full worker is not asked to open");
        workers().statusCode(200)
                .body("workers.find { it.instance_id == 'w1' }.sessions", equalTo(2))
                .body("workers.find { it.instance_id == 'w1' }.max_sessions", equalTo(2))
                .body("workers.find { it.instance_id == 'w3' }.sessions", equalTo(1));
    }

    @Test
    void aSessionAlreadyOnAFullWorkerIsStillServed() {
        List<String> two = fill("w1", 2);

        open(two.get(0), "w1").statusCode(200);
        route(Map.of("context_id", "already-there", "instance_id", "w3", "headers",
                Map.of("x-dynamo-session-id", two.get(1)))).statusCode(200).body("instance_id", equalTo("w1"));
        finish("already-there").statusCode(200);
    }

    @Test
    void aSoftRouteTakesTheSuggestionAndAHardOneIsRefused() {
        fill("w1", 2);
        String soft = session("soft");
        String hard = newSession("hard");

        route(Map.of("context_id", "soft-1", "instance_id", "w1", "affinity_mode", "soft", "headers",
                Map.of("x-dynamo-session-id", soft))).statusCode(200)
                .body("instance_id", equalTo("w2")).body("engine_session", equalTo(true));
        finish("soft-1").statusCode(200);
        route(Map.of("context_id", "hard-1", "instance_id", "w1", "headers", Map.of("x-dynamo-session-id", hard)))
                .statusCode(429).body("suggested_instance_id", equalTo("w3"));

        assertEquals(1, workers.dynamo("w2").opens(soft));
    }

    @Test
    void overGrpcAFullWorkerIsResourceExhaustedWithTheSuggestionInATrailer() {
        fill("w1", 2);
        fill("w2", 1);

        StatusRuntimeException full = assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> sidecar.openSession(
                OpenSessionRequest.newBuilder().setSessionId(newSession("grpc-full")).setInstanceId("w1").build()));

        assertTrue(full.getStatus().getDescription().contains("'w1'"), full.getMessage());
        assertEquals("w3", full.getTrailers().get(SUGGESTED));
        Worker w1 = sidecar.listWorkers(ListWorkersRequest.newBuilder().build()).getWorkersList().stream()
                .filter(worker -> worker.getInstanceId().equals("w1")).findFirst().orElseThrow();
        assertEquals(2, w1.getMaxSessions());
        assertEquals(2, w1.getSessions());
    }

    private List<String> fill(String instanceId, int count) {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String session = session(instanceId + "-" + i);
            open(session, instanceId).statusCode(200);
            sessions.add(session);
        }
        return sessions;
    }

    private String session(String prefix) {
        String session = newSession(prefix);
        opened.add(session);
        return session;
    }
}
