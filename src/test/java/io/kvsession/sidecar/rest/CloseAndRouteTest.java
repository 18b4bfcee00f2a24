package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.bind;
import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.finish;
import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.route;
import static io.kvsession.sidecar.support.ClosesSeen.awaitClosed;
import static io.kvsession.sidecar.support.ClosesSeen.fence;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.kvsession.sidecar.support.dynamo.DynamoRpc;
import io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class CloseAndRouteTest extends FakeWorkersTest {

    @Test
    void closeUnbindsAtOnceAndClosesTheWorkerSessionInTheBackground() {
        String session = newSession("close");
        FakeWorker w1 = workers.get("w1");
        open(session, "w1").statusCode(200);
        w1.delay(Duration.ofMillis(300));

        long started = System.nanoTime();
        close(session, Map.of("context_id", "req-9")).statusCode(202)
                .body("session_id", equalTo(session))
                .body("instance_id", equalTo("w1"))
                .body("engine_close", equalTo("scheduled"));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(tookMillis < 300, "the caller does not wait for the worker, took " + tookMillis + " ms");
        get(session).statusCode(404);
        awaitClosed(w1, session);
        assertEquals(session, w1.closes(session).get(0).body().getString("session_id"));
    }

    @Test
    void closeOnDynamoSendsTheCloseAction() {
        String session = newSession("close-dynamo");
        ReplicaDynamoWorker w2 = workers.dynamo("w2");
        open(session, "w2").statusCode(200);

        close(session, Map.of()).statusCode(202).body("engine_close", equalTo("scheduled"));

        Eventually.await(Duration.ofSeconds(3), () -> "close of " + session + " on w2, got " + w2.rpcs(),
                () -> w2.closes(session) == 1 && !w2.sessions().contains(session));
        assertEquals(List.of("close_session"), w2.rpcs().stream().filter(DynamoRpc::isClose)
                .filter(rpc -> session.equals(rpc.sessionId())).map(DynamoRpc::action).toList());
    }

    @Test
    void closeOfARouterOnlyBindingSendsNoRpc() {
        String session = newSession("close-router-only");
        bind(session, Map.of("instance_id", "w1")).statusCode(200).body("kind", equalTo("router_only"));

        close(session, Map.of()).statusCode(202).body("engine_close", equalTo("none"));

        fence(workers.get("w1"));
        assertTrue(workers.get("w1").closes(session).isEmpty());
    }

    @Test
    void closeOfAnUnboundSessionClosesOnTheNamedInstanceOrDoesNothing() {
        String session = newSession("close-unbound");
        FakeWorker w1 = workers.get("w1");
        w1.hold(session);

        close(session, Map.of()).statusCode(202)
                .body("instance_id", nullValue())
                .body("engine_close", equalTo("none"));
        close(session, Map.of("instance_id", "w1")).statusCode(202).body("engine_close", equalTo("scheduled"));

        awaitClosed(w1, session);
        close(session, Map.of("instance_id", "w9")).statusCode(404);
    }

    @Test
    void closeAfterAContextWaitsForThatRequestToFinish() {
        String session = newSession("deferred");
        FakeWorker w1 = workers.get("w1");
        open(session, "w1").statusCode(200);

        close(session, Map.of("after_context_id", "req-deferred-" + session)).statusCode(202)
                .body("engine_close", equalTo("deferred"));
        get(session).statusCode(404);

        fence(w1);
        assertTrue(w1.closes(session).isEmpty(), "no close before the request finished");
        finish("req-deferred-" + session).statusCode(200)
                .body("context_id", equalTo("req-deferred-" + session))
                .body("closed_sessions", contains(session));
        awaitClosed(w1, session);
        finish("req-deferred-" + session).statusCode(200).body("closed_sessions", empty());
    }

    @Test
    void routeSticksToTheBoundInstanceAndRenewsIt() {
        String session = newSession("sticky");
        open(session, "w2").statusCode(200);

        route(request("ctx-1", "w1", session, null)).statusCode(200)
                .body("instance_id", equalTo("w2"))
                .body("sticky", equalTo(true))
                .body("engine_session", equalTo(true))
                .body("deferred_close", equalTo(false));
    }

    @Test
    void routeWithoutABindingUsesTheRoutersPick() {
        route(request("ctx-2", "w3", newSession("unbound"), null)).statusCode(200)
                .body("instance_id", equalTo("w3"))
                .body("sticky", equalTo(false))
                .body("engine_session", equalTo(false));
        route(Map.of("context_id", "ctx-3", "instance_id", "w1")).statusCode(200)
                .body("instance_id", equalTo("w1"))
                .body("sticky", equalTo(false));
    }

    @Test
    void routeOpenOpensOnTheTargetBeforeAnswering() {
        String session = newSession("route-open");

        route(request("ctx-open", "w1", session, "open")).statusCode(200)
                .body("instance_id", equalTo("w1"))
                .body("sticky", equalTo(false))
                .body("engine_session", equalTo(true));

        assertTrue(workers.get("w1").sessions().contains(session));
        route(request("ctx-open-2", "w2", session, "open")).statusCode(200)
                .body("instance_id", equalTo("w1"))
                .body("sticky", equalTo(true));
        assertEquals(1, workers.get("w1").opens(session).size());
        assertEquals(0, workers.dynamo("w2").opens(session));
    }

    @Test
    void routeBindPinsWithoutAnRpc() {
        String session = newSession("route-bind");

        route(request("ctx-bind", "w3", session, "bind")).statusCode(200)
                .body("instance_id", equalTo("w3"))
                .body("engine_session", equalTo(false));

        get(session).statusCode(200).body("kind", equalTo("router_only")).body("instance_id", equalTo("w3"));
        assertTrue(workers.get("w3").opens(session).isEmpty());
    }

    @Test
    void routeCloseUnbindsNowAndClosesOnlyAfterFinish() {
        String session = newSession("route-close");
        FakeWorker w3 = workers.get("w3");
        open(session, "w3").statusCode(200);

        route(request("ctx-last-turn-" + session, "w1", session, "close")).statusCode(200)
                .body("instance_id", equalTo("w3"))
                .body("sticky", equalTo(true))
                .body("engine_session", equalTo(true))
                .body("deferred_close", equalTo(true));
        get(session).statusCode(404);

        fence(w3);
        assertTrue(w3.closes(session).isEmpty(), "the last turn is still running");
        finish("ctx-last-turn-" + session).statusCode(200).body("closed_sessions", contains(session));
        awaitClosed(w3, session);
    }

    @Test
    void routeCloseNeedsAContextId() {
        route(Map.of("instance_id", "w1", "session_control", Map.of("session_id", "s", "action", "close")))
                .statusCode(400).body("detail", equalTo("context_id is required when session_control.action is "
                        + "close, so that the close can wait for the request to finish"));
    }

    @Test
    void bindOverAnEngineSessionOnAnotherInstanceClosesTheOldOne() {
        String session = newSession("rebind");
        FakeWorker w1 = workers.get("w1");
        open(session, "w1").statusCode(200);

        bind(session, Map.of("instance_id", "w2", "timeout_secs", 30)).statusCode(200)
                .body("instance_id", equalTo("w2"))
                .body("kind", equalTo("router_only"))
                .body("timeout_secs", equalTo(30));

        awaitClosed(w1, session);
    }

    @Test
    void bindOnTheSameInstanceKeepsTheEngineSession() {
        String session = newSession("bind-same");
        open(session, "w1").statusCode(200);

        bind(session, Map.of("instance_id", "w1")).statusCode(200).body("kind", equalTo("engine_backed"));

        assertTrue(workers.get("w1").closes(session).isEmpty());
    }

    @Test
    void reopenAfterACloseOnTheSameWorkerCancelsThePendingClose() {
        String session = newSession("reopen");
        FakeWorker w1 = workers.get("w1");
        open(session, "w1").statusCode(200);
        close(session, Map.of("after_context_id", "ctx-reopen-" + session)).statusCode(202);

        open(session, "w1").statusCode(200).body("kind", equalTo("engine_backed"));
        finish("ctx-reopen-" + session).statusCode(200).body("closed_sessions", empty());

        fence(w1);
        assertTrue(w1.closes(session).isEmpty(), "the re-opened session was not closed behind the router's back");
        assertTrue(w1.sessions().contains(session));
        get(session).statusCode(200);
    }

    @Test
    void reopeningCancelsTheHeldCloseOfEveryRetriedLastTurn() {
        String session = newSession("retried-last-turn");
        FakeWorker w1 = workers.get("w1");
        open(session, "w1").statusCode(200);
        route(request("ctx-a-" + session, "w1", session, "close")).statusCode(200)
                .body("deferred_close", equalTo(true));
        route(request("ctx-b-" + session, "w1", session, "close")).statusCode(200)
                .body("deferred_close", equalTo(true));

        route(request("ctx-c-" + session, "w1", session, "open")).statusCode(200).body("engine_session", equalTo(true));
        finish("ctx-a-" + session).statusCode(200).body("closed_sessions", empty());
        finish("ctx-b-" + session).statusCode(200).body("closed_sessions", empty());

        fence(w1);
        assertTrue(w1.closes(session).isEmpty(), "no stale close reached the re-opened session");
        assertTrue(w1.sessions().contains(session));
        route(request("ctx-d-" + session, "w3", session, null)).statusCode(200)
                .body("instance_id", equalTo("w1"))
                .body("sticky", equalTo(true))
                .body("engine_session", equalTo(true));
    }

    private static Map<String, Object> request(String contextId, String pick, String session, String action) {
        Map<String, Object> control = new HashMap<>();
        control.put("session_id", session);
        control.put("action", action);
        return Map.of("context_id", contextId, "instance_id", pick, "session_control", control);
    }
}
