package io.kvsession.sidecar.grpc;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.ClosesSeen.awaitClosed;
import static io.kvsession.sidecar.support.GrpcStatus.assertCode;
import static io.kvsession.sidecar.support.SidecarSees.stopped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvsession.sidecar.grpc.v1.BindSessionRequest;
import io.kvsession.sidecar.grpc.v1.CloseSessionRequest;
import io.kvsession.sidecar.grpc.v1.FinishRequestRequest;
import io.kvsession.sidecar.grpc.v1.GetSessionRequest;
import io.kvsession.sidecar.grpc.v1.OpenSessionRequest;
import io.kvsession.sidecar.grpc.v1.RouteRequest;
import io.kvsession.sidecar.grpc.v1.RouteResponse;
import io.kvsession.sidecar.grpc.v1.Session;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc.SessionLifecycleBlockingStub;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Agentic traffic over gRPC: the same behaviours as the REST AgentsTest, through kvsession.v1.SessionLifecycle. */
@QuarkusTest
@TestProfile(Profiles.Agents.class)
class AgentsGrpcTest extends FakeWorkersTest {

    @GrpcClient("sidecar")
    SessionLifecycleBlockingStub sidecar;

    @Test
    void headersNameTheSessionAndTheRequestHoldsIt() {
        String session = newSession("grpc-headers");
        RouteResponse first = sidecar.route(RouteRequest.newBuilder().setContextId("g-1").setInstanceId("w3")
                .putAllHeaders(Map.of("X-Session-Id", session)).build());

        assertEquals("w3", first.getInstanceId());
        assertTrue(first.getEngineSession());
        assertFalse(first.getSticky());
        assertEquals(1, get(session).getInFlight());
        assertEquals(1, workers.get("w3").opens(session).size());

        sidecar.finishRequest(FinishRequestRequest.newBuilder().setContextId("g-1").build());
        assertEquals(0, get(session).getInFlight());
        RouteResponse last = sidecar.route(RouteRequest.newBuilder().setContextId("g-2").setInstanceId("w1")
                .putAllHeaders(Map.of("x-dynamo-session-id", session, "x-dynamo-session-final", "TRUE")).build());
        assertEquals("w3", last.getInstanceId());
        assertTrue(last.getSticky());
        assertTrue(last.getDeferredClose());
        sidecar.finishRequest(FinishRequestRequest.newBuilder().setContextId("g-2").build());
        awaitClosed(workers.get("w3"), session);

        StatusRuntimeException bad = assertCode(Status.Code.INVALID_ARGUMENT, () -> sidecar.route(RouteRequest
                .newBuilder().setContextId("g-3").setInstanceId("w1").putHeaders("x-dynamo-session-id", "")
                .build()));
        assertTrue(bad.getStatus().getDescription().contains("headers.x-dynamo-session-id"), bad.getMessage());
    }

    @Test
    void childrenNameTheirParentAndCloseWithIt() {
        String root = newSession("grpc-root");
        String child = newSession("grpc-child");
        String routed = newSession("grpc-routed");
        sidecar.openSession(OpenSessionRequest.newBuilder().setSessionId(root).setInstanceId("w1").build());
        Session opened = sidecar.openSession(OpenSessionRequest.newBuilder().setSessionId(child).setInstanceId("w2")
                .setParentSessionId(root).build());
        assertEquals(root, opened.getParentSessionId());
        RouteResponse follows = sidecar.route(RouteRequest.newBuilder().setContextId("g-sub").setInstanceId("w3")
                .setParentSessionId(root).putHeaders("x-dynamo-session-id", routed).build());
        assertEquals("w1", follows.getInstanceId(), "an unbound child goes to its parent's worker");
        sidecar.finishRequest(FinishRequestRequest.newBuilder().setContextId("g-sub").build());

        assertEquals(List.of(child, routed).stream().sorted().toList(), get(root).getChildrenList());

        sidecar.closeSession(CloseSessionRequest.newBuilder().setSessionId(root).build());
        awaitClosed(workers.get("w1"), routed);
        assertCode(Status.Code.NOT_FOUND, () -> get(child));
        assertCode(Status.Code.NOT_FOUND, () -> sidecar.bindSession(BindSessionRequest.newBuilder()
                .setSessionId(newSession("orphan")).setInstanceId("w1").setParentSessionId(root).build()));
    }

    @Test
    void hardRefusesAndSoftMovesWhenTheBoundWorkerIsDown() {
        String hard = newSession("grpc-hard");
        String soft = newSession("grpc-soft");
        FakeWorker w3 = workers.get("w3");
        for (String session : List.of(hard, soft)) {
            sidecar.route(RouteRequest.newBuilder().setContextId("g-" + session).setInstanceId("w3")
                    .putHeaders("x-dynamo-session-id", session).build());
            sidecar.finishRequest(FinishRequestRequest.newBuilder().setContextId("g-" + session).build());
        }
        stopped(w3);

        StatusRuntimeException refused = assertCode(Status.Code.UNAVAILABLE, () -> sidecar.route(RouteRequest
                .newBuilder().setContextId("g-hard").setInstanceId("w1").putHeaders("x-dynamo-session-id", hard)
                .build()));
        assertTrue(refused.getStatus().getDescription().contains("'w3'"), refused.getMessage());

        RouteResponse moved = sidecar.route(RouteRequest.newBuilder().setContextId("g-soft").setInstanceId("w1")
                .setAffinityMode("soft").putHeaders("x-dynamo-session-id", soft).build());
        assertEquals("w1", moved.getInstanceId());
        assertTrue(moved.getRebound());
        assertFalse(moved.getSticky());
        sidecar.finishRequest(FinishRequestRequest.newBuilder().setContextId("g-soft").build());
        assertEquals("w1", get(soft).getInstanceId());
        w3.start();
        awaitClosed(w3, soft);
    }

    private Session get(String session) {
        return sidecar.getSession(GetSessionRequest.newBuilder().setSessionId(session).build());
    }
}
