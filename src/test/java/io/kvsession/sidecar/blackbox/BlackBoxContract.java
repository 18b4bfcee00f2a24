package io.kvsession.sidecar.blackbox;

import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.finish;
import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.route;
import static io.kvsession.sidecar.support.Api.workers;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvsession.sidecar.grpc.v1.GetSessionRequest;
import io.kvsession.sidecar.grpc.v1.OpenSessionRequest;
import io.kvsession.sidecar.grpc.v1.SessionKind;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc;
import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkers;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * The sidecar's contract seen from outside only — HTTP, gRPC and the fake workers' own records — so that it runs
 * unchanged against the application in the test JVM, the packaged jar and the native executable.
 */
abstract class BlackBoxContract {

    FakeWorkers workers;

    private ManagedChannel channel;
    private SessionLifecycleGrpc.SessionLifecycleBlockingStub grpc;

    @BeforeEach
    void connect() {
        workers.resetAll();
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().build();
        grpc = SessionLifecycleGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void openRouteFinishCloseOverRest() {
        String session = newSession("bb");
        FakeWorker w1 = workers.get("w1");

        open(session, Map.of("instance_id", "w1", "timeout_secs", 120)).statusCode(200)
                .body("kind", equalTo("engine_backed"))
                .body("engine_session", equalTo(true))
                .body("expires_at", startsWith("20"));
        assertEquals(150, w1.opens(session).get(0).body().getInteger("timeout"));
        Map<String, Object> control = new HashMap<>();
        control.put("session_id", session);
        control.put("action", "close");
        route(Map.of("context_id", "last-" + session, "instance_id", "w2", "session_control", control))
                .statusCode(200)
                .body("instance_id", equalTo("w1"))
                .body("sticky", equalTo(true))
                .body("deferred_close", equalTo(true));
        assertTrue(w1.closes(session).isEmpty());
        finish("last-" + session).statusCode(200).body("closed_sessions", contains(session));
        Eventually.await(Duration.ofSeconds(3), () -> "close of " + session, () -> !w1.sessions().contains(session));
        get(session).statusCode(404).contentType("application/problem+json");
        close(session, Map.of()).statusCode(202).body("engine_close", equalTo("none"));
    }

    @Test
    void errorsAreProblemsNamingTheCause() {
        String session = newSession("bb-errors");
        RestAssured.given().contentType(ContentType.JSON).body("{\"instance_id\": \"w1\", ")
                .post("/v1/sessions/{id}/open", session).then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("the body is not valid JSON"));
        open(session, Map.of("instance_id", "w1", "timeout_secs", 0)).statusCode(400)
                .body("detail", startsWith("timeout_secs"));
        open(session, "w9").statusCode(404).body("detail", containsString("w9"));
        open(session, "w1").statusCode(200);
        open(session, "w2").statusCode(409);
        workers.dynamo("w2").rejectOpens(FakeWorker.REJECTION);
        open(newSession("bb-rejected"), "w2").statusCode(502).body("detail", containsString(FakeWorker.REJECTION));
        workers.dynamo("w2").rejectOpens(null).answerDelay(Duration.ofMillis(800));
        open(newSession("bb-slow"), "w2").statusCode(504);
    }

    @Test
    void grpcAndRestShareOneState() {
        String session = newSession("bb-grpc");

        var opened = grpc.openSession(OpenSessionRequest.newBuilder().setSessionId(session).setInstanceId("w2")
                .build());

        assertEquals(SessionKind.SESSION_KIND_ENGINE_BACKED, opened.getKind());
        get(session).statusCode(200).body("instance_id", equalTo("w2"));
        assertEquals("w2", grpc.getSession(GetSessionRequest.newBuilder().setSessionId(session).build())
                .getInstanceId());
        StatusRuntimeException conflict = assertThrows(StatusRuntimeException.class, () -> grpc.openSession(
                OpenSessionRequest.newBuilder().setSessionId(session).setInstanceId("w1").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, conflict.getStatus().getCode());
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    @Test
    void anAgentTreeNamedByHeadersOverRestAndGrpc() {
        String root = newSession("bb-agent");
        String subagent = root + "-sub";
        route(Map.of("context_id", "turn-" + root, "instance_id", "w3", "headers",
                Map.of("X-Dynamo-Session-Id", root))).statusCode(200)
                .body("instance_id", equalTo("w3")).body("engine_session", equalTo(true));
        get(root).statusCode(200).body("in_flight", equalTo(1));
        route(Map.of("context_id", "turn-" + subagent, "instance_id", "w1", "headers",
                Map.of("x-dynamo-session-id", subagent, "x-dynamo-parent-session-id", root))).statusCode(200)
                .body("instance_id", equalTo("w3"));

        assertEquals(List.of(subagent), grpc.getSession(GetSessionRequest.newBuilder().setSessionId(root).build())
                .getChildrenList());
        finish("turn-" + root).statusCode(200);
        finish("turn-" + subagent).statusCode(200);
        get(subagent).statusCode(200).body("parent_session_id", equalTo(root)).body("in_flight", equalTo(0));

        close(root, Map.of()).statusCode(202);
        FakeWorker w3 = workers.get("w3");
        Eventually.await(Duration.ofSeconds(3), () -> "the tree closed on w3: " + w3.rpcs(),
                () -> !w3.sessions().contains(root) && !w3.sessions().contains(subagent));
        get(subagent).statusCode(404);
    }

        @Test
    void workersAreListed() {
        open(newSession("bb-workers"), "w3").statusCode(200);

        workers().statusCode(200)
                .body("session_control", equalTo("available"))
                .body("workers.instance_id", contains("w1", "w2", "w3"))
                .body("workers[2].circuit", equalTo("closed"));
    }
}
