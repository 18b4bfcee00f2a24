package io.kvsession.sidecar.lifecycle;

import static io.kvsession.sidecar.support.Api.bind;
import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvsession.sidecar.grpc.v1.OpenSessionRequest;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc.SessionLifecycleBlockingStub;
import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Metrics;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** A table of 4 bindings, and closes that give up 1 s after a 1 s TTL. */
@QuarkusTest
@TestProfile(Profiles.Tight.class)
class TightBoundsTest extends FakeWorkersTest {

    @GrpcClient("sidecar")
    SessionLifecycleBlockingStub sidecar;

    @Test
    void aFullTableAnswers429WithRetryAfterAndSendsNoRpc() {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String session = newSession("fill-" + i);
            sessions.add(session);
            bind(session, Map.of("instance_id", "w1")).statusCode(200);
        }
        String overflow = newSession("overflow");
        double refusedBefore = Metrics.value("kvsession_lifecycle_calls_total", "operation=\"open\"",
                "outcome=\"table_full\"");

        open(overflow, "w1").statusCode(429)
                .header("Retry-After", "1")
                .contentType("application/problem+json")
                .body("detail", containsString("full (4 bindings)"));
        bind(overflow, Map.of("instance_id", "w1")).statusCode(429);

        StatusRuntimeException exhausted = assertThrows(StatusRuntimeException.class, () -> sidecar.openSession(
                OpenSessionRequest.newBuilder().setSessionId(overflow).setInstanceId("w1").build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, exhausted.getStatus().getCode());
        assertTrue(workers.get("w1").opens(overflow).isEmpty(), "no RPC for a session that cannot be bound");
        assertEquals(refusedBefore + 2, Metrics.value("kvsession_lifecycle_calls_total", "operation=\"open\"",
                "outcome=\"table_full\""), "a refusal before any RPC is counted too");
        bind(sessions.get(0), Map.of("instance_id", "w2")).statusCode(200);
        sessions.forEach(session -> close(session, Map.of()).statusCode(202));
        open(overflow, "w1").statusCode(200);
        close(overflow, Map.of()).statusCode(202);
    }

    @Test
    void aCloseThatCannotLandGivesUpAfterTtlPlusBufferAndIsCounted() {
        String session = newSession("give-up");
        FakeWorker w3 = workers.get("w3");
        open(session, Map.of("instance_id", "w3", "timeout_secs", 1)).statusCode(200);
        double before = Metrics.value("kvsession_lifecycle_calls_total", "operation=\"close\"",
                "outcome=\"gave_up\"");
        w3.stop();

        close(session, Map.of()).statusCode(202);

        Eventually.await(Duration.ofSeconds(5), () -> "a counted give-up of the close of " + session,
                () -> Metrics.value("kvsession_lifecycle_calls_total", "operation=\"close\"",
                        "outcome=\"gave_up\"") == before + 1);
        w3.start();
        assertEquals(List.of(), w3.closes(session), "nothing reached the worker while it was down");
    }

    @Test
    void closesOfSessionsNeverBoundCannotCrowdOutRealOnes() {
        FakeWorker w3 = workers.get("w3");
        String real = newSession("real");
        open(real, "w3").statusCode(200);
        w3.stop();

        close(newSession("junk-1"), Map.of("instance_id", "w3")).statusCode(202);
        close(newSession("junk-2"), Map.of("instance_id", "w3")).statusCode(202);
        close(newSession("junk-3"), Map.of("instance_id", "w3")).statusCode(429)
                .contentType("application/problem+json")
                .body("detail", containsString("did not bind"));

        close(real, Map.of()).statusCode(202).body("engine_close", equalTo("scheduled"));
        w3.start();
        Eventually.await(Duration.ofSeconds(5), () -> "the real close lands once w3 is back",
                () -> !w3.closes(real).isEmpty() && !w3.sessions().contains(real));
    }
}
