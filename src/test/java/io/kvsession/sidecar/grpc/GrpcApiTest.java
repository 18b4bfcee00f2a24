package io.kvsession.sidecar.grpc;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.GrpcStatus.assertCode;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.MutinyServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.kvsession.sidecar.grpc.v1.BindSessionRequest;
import io.kvsession.sidecar.grpc.v1.CircuitState;
import io.kvsession.sidecar.grpc.v1.CloseSessionRequest;
import io.kvsession.sidecar.grpc.v1.EngineClose;
import io.kvsession.sidecar.grpc.v1.FinishRequestRequest;
import io.kvsession.sidecar.grpc.v1.GetSessionRequest;
import io.kvsession.sidecar.grpc.v1.ListSessionsRequest;
import io.kvsession.sidecar.grpc.v1.ListSessionsResponse;
import io.kvsession.sidecar.grpc.v1.ListWorkersRequest;
import io.kvsession.sidecar.grpc.v1.ListWorkersResponse;
import io.kvsession.sidecar.grpc.v1.OpenSessionRequest;
import io.kvsession.sidecar.grpc.v1.RouteRequest;
import io.kvsession.sidecar.grpc.v1.RouteResponse;
import io.kvsession.sidecar.grpc.v1.Session;
import io.kvsession.sidecar.grpc.v1.SessionAction;
import io.kvsession.sidecar.grpc.v1.SessionControl;
import io.kvsession.sidecar.grpc.v1.SessionControlState;
import io.kvsession.sidecar.grpc.v1.SessionKind;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc.SessionLifecycleBlockingStub;
import io.kvsession.sidecar.support.Api;
import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorker.OpenMode;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;

/** Every RPC of kvsession.v1.SessionLifecycle, and the status of every error row of SPEC §5. */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class GrpcApiTest extends FakeWorkersTest {

    @GrpcClient("sidecar")
    SessionLifecycleBlockingStub sidecar;

    @GrpcClient("sidecar")
    HealthGrpc.HealthBlockingStub health;

    @GrpcClient("sidecar")
    MutinyServerReflectionGrpc.MutinyServerReflectionStub reflection;

    @Test
    void openOverGrpcIsSeenOverRest() {
        String session = newSession("grpc-open");

        Session opened = sidecar.openSession(OpenSessionRequest.newBuilder().setSessionId(session)
                .setInstanceId("w2").setTimeoutSecs(120).setContextId("req-1").build());

        assertEquals(session, opened.getSessionId());
        assertEquals(SessionKind.SESSION_KIND_ENGINE_BACKED, opened.getKind());
        assertTrue(opened.getEngineSession());
        assertEquals(120, opened.getTimeoutSecs());
        assertTrue(Instant.parse(opened.getExpiresAt()).isAfter(Instant.now().plusSeconds(100)));
        assertEquals(150, workers.dynamo("w2").openRequests(session).get(0).get("timeout").asInt());
        Api.get(session).statusCode(200)
                .body("instance_id", equalTo("w2"))
                .body("kind", equalTo("engine_backed"))
                .body("expires_at", equalTo(opened.getExpiresAt()));
    }

    @Test
    void bindGetTouchListAndClose() {
        String session = newSession("grpc-bind");

        Session bound = sidecar.bindSession(BindSessionRequest.newBuilder().setSessionId(session).setInstanceId("w3")
                .build());
        assertEquals(SessionKind.SESSION_KIND_ROUTER_ONLY, bound.getKind());
        assertFalse(bound.getEngineSession());
        assertEquals(300, bound.getTimeoutSecs());

        Session touched = sidecar.getSession(GetSessionRequest.newBuilder().setSessionId(session).setTouch(true)
                .build());
        assertEquals("w3", touched.getInstanceId());
        ListSessionsResponse page = sidecar.listSessions(ListSessionsRequest.newBuilder().setInstanceId("w3")
                .setLimit(1000).build());
        assertTrue(page.getSessionsList().stream().anyMatch(s -> s.getSessionId().equals(session)));
        assertEquals("", page.getNextPageToken());

        var closed = sidecar.closeSession(CloseSessionRequest.newBuilder().setSessionId(session).build());
        assertEquals("w3", closed.getInstanceId());
        assertEquals(EngineClose.ENGINE_CLOSE_NONE, closed.getEngineClose());
        assertCode(Status.Code.NOT_FOUND,
                () -> sidecar.getSession(GetSessionRequest.newBuilder().setSessionId(session).build()));
    }

    @Test
    void routeOpenThenCloseAfterFinish() {
        String session = newSession("grpc-route");
        FakeWorker w1 = workers.get("w1");
        String lastTurn = "ctx-" + session;

        RouteResponse first = sidecar.route(RouteRequest.newBuilder().setContextId("ctx-1").setInstanceId("w1")
                .setSessionControl(SessionControl.newBuilder().setSessionId(session)
                        .setAction(SessionAction.SESSION_ACTION_OPEN))
                .build());
        assertEquals("w1", first.getInstanceId());
        assertTrue(first.getEngineSession());
        assertFalse(first.getSticky());

        RouteResponse last = sidecar.route(RouteRequest.newBuilder().setContextId(lastTurn).setInstanceId("w2")
                .setSessionControl(SessionControl.newBuilder().setSessionId(session)
                        .setAction(SessionAction.SESSION_ACTION_CLOSE))
                .build());
        assertEquals("w1", last.getInstanceId());
        assertTrue(last.getSticky());
        assertTrue(last.getDeferredClose());
        assertTrue(w1.closes(session).isEmpty());

        var finished = sidecar.finishRequest(FinishRequestRequest.newBuilder().setContextId(lastTurn).build());
        assertEquals(List.of(session), finished.getClosedSessionsList());
        Eventually.await(Duration.ofSeconds(3), () -> "close of " + session, () -> !w1.sessions().contains(session));

        RouteResponse plain = sidecar.route(RouteRequest.newBuilder().setContextId("ctx-3").setInstanceId("w2")
                .build());
        assertEquals("w2", plain.getInstanceId());
    }

    @Test
    void listWorkers() {
        sidecar.openSession(OpenSessionRequest.newBuilder().setSessionId(newSession("grpc-workers"))
                .setInstanceId("w1").build());

        ListWorkersResponse response = sidecar.listWorkers(ListWorkersRequest.getDefaultInstance());

        assertEquals(SessionControlState.SESSION_CONTROL_STATE_AVAILABLE, response.getSessionControl());
        assertEquals(List.of("w1", "w2", "w3"), response.getWorkersList().stream()
                .map(io.kvsession.sidecar.grpc.v1.Worker::getInstanceId).toList());
        var w1 = response.getWorkers(0);
        assertEquals("sglang", w1.getProtocol());
        assertEquals(workers.get("w1").url(), w1.getUrl());
        assertTrue(w1.getHealthy());
        assertEquals(CircuitState.CIRCUIT_STATE_CLOSED, w1.getCircuit());
        assertTrue(w1.getSessions() >= 1);
        assertEquals("dynamo", response.getWorkers(1).getProtocol());
    }

    @Test
    void invalidArgumentNamesTheField() {
        StatusRuntimeException empty = assertCode(Status.Code.INVALID_ARGUMENT, () -> sidecar.openSession(
                OpenSessionRequest.newBuilder().setInstanceId("w1").build()));
        assertEquals("session_id is required", empty.getStatus().getDescription());
        StatusRuntimeException ttl = assertCode(Status.Code.INVALID_ARGUMENT, () -> sidecar.openSession(
                OpenSessionRequest.newBuilder().setSessionId("s").setInstanceId("w1").setTimeoutSecs(0).build()));
        assertTrue(ttl.getStatus().getDescription().startsWith("timeout_secs must be between 1 and 31536000"));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> sidecar.route(RouteRequest.newBuilder().setInstanceId("w1")
                .setSessionControl(SessionControl.newBuilder().setSessionId("s").setActionValue(42)).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> sidecar.listSessions(ListSessionsRequest.newBuilder()
                .setLimit(5000).build()));
        assertTrue(workers.get("w1").opens("s").isEmpty());
    }

    @Test
    void notFoundForUnknownSessionsAndInstances() {
        assertCode(Status.Code.NOT_FOUND, () -> sidecar.getSession(GetSessionRequest.newBuilder()
                .setSessionId(newSession("nobody")).build()));
        StatusRuntimeException instance = assertCode(Status.Code.NOT_FOUND, () -> sidecar.openSession(
                OpenSessionRequest.newBuilder().setSessionId(newSession("w9")).setInstanceId("w9").build()));
        assertTrue(instance.getStatus().getDescription().contains("w9"));
    }

    @Test
    void failedPreconditionWhenBoundElsewhere() {
        String session = newSession("grpc-conflict");
        sidecar.openSession(OpenSessionRequest.newBuilder().setSessionId(session).setInstanceId("w1").build());

        StatusRuntimeException conflict = assertCode(Status.Code.FAILED_PRECONDITION, () -> sidecar.openSession(
                OpenSessionRequest.newBuilder().setSessionId(session).setInstanceId("w2").build()));
        assertTrue(conflict.getStatus().getDescription().contains("'w1'"));
    }

    @Test
    void workerFailuresMapToAbortedUnavailableAndDeadlineExceeded() {
        workers.get("w1").openMode(OpenMode.REJECT);
        StatusRuntimeException rejected = assertCode(Status.Code.ABORTED, () -> open(newSession("abort"), "w1"));
        assertTrue(rejected.getStatus().getDescription().contains(FakeWorker.REJECTION));

        workers.get("w3").stop();
        assertCode(Status.Code.UNAVAILABLE, () -> open(newSession("unavailable"), "w3"));

        workers.dynamo("w2").answerDelay(Duration.ofMillis(800));
        assertCode(Status.Code.DEADLINE_EXCEEDED, () -> open(newSession("deadline"), "w2"));
    }

    @Test
    void healthServiceAnswersServing() {
        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder().build()).getStatus());
        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
                .setService("kvsession.v1.SessionLifecycle").build()).getStatus());
    }

    @Test
    void reflectionListsTheServices() {
        ServerReflectionResponse response = reflection.serverReflectionInfo(Multi.createFrom().item(
                ServerReflectionRequest.newBuilder().setListServices("").build()))
                .toUni().await().atMost(Duration.ofSeconds(5));

        List<String> services = response.getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName).toList();
        assertTrue(services.contains("kvsession.v1.SessionLifecycle"), services.toString());
        assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
    }

    private Session open(String session, String instance) {
        return sidecar.openSession(OpenSessionRequest.newBuilder().setSessionId(session).setInstanceId(instance)
                .build());
    }
}
