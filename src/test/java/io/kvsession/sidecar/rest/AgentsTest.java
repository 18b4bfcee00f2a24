package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.bind;
import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.finish;
import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.route;
import static io.kvsession.sidecar.support.Api.workers;
import static io.kvsession.sidecar.support.ClosesSeen.awaitClosed;
import static io.kvsession.sidecar.support.ClosesSeen.fence;
import static io.kvsession.sidecar.support.SidecarSees.stopped;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

/**
 * Agentic traffic over REST (SPEC §9): sessions named by headers, requests in flight holding their session, hard and
 * soft affinity, and subagent sessions with their parents. The application allows trees 2 deep with 2 children per
 * parent; requests hold their sessions for at most 2 s (kvsession.guard.max-wait of the test profile).
 */
@QuarkusTest
@TestProfile(Profiles.Agents.class)
class AgentsTest extends FakeWorkersTest {

    @Test
    void aSessionNamedByHeadersIsOpenedOnThePickAndSticks() {
        String session = newSession("headers");
        FakeWorker w1 = workers.get("w1");

        route(headers("req-1", "w1", Map.of("X-Dynamo-Session-Id", session))).statusCode(200)
                .body("instance_id", equalTo("w1")).body("sticky", equalTo(false))
                .body("engine_session", equalTo(true)).body("rebound", equalTo(false));
        finish("req-1").statusCode(200);
        route(headers("req-2", "w3", Map.of("x-session-id", session))).statusCode(200)
                .body("instance_id", equalTo("w1")).body("sticky", equalTo(true))
                .body("engine_session", equalTo(true));
        finish("req-2").statusCode(200);

        assertEquals(1, w1.opens(session).size(), "opened once, before its first request: " + w1.rpcs());
        assertEquals(session, w1.opens(session).get(0).body().getString("session_id"));
        get(session).statusCode(200).body("kind", equalTo("engine_backed")).body("parent_session_id", nullValue());
    }

    @Test
    void aFinalHeaderClosesTheSessionOnceTheRequestFinishes() {
        String session = newSession("final");
        FakeWorker w1 = workers.get("w1");
        route(headers("first", "w1", Map.of("x-dynamo-session-id", session))).statusCode(200);
        finish("first").statusCode(200);

        route(headers("last", "w3", Map.of("x-dynamo-session-id", session, "X-Dynamo-Session-Final", "true")))
                .statusCode(200).body("instance_id", equalTo("w1")).body("sticky", equalTo(true))
                .body("deferred_close", equalTo(true));

        get(session).statusCode(404);
        fence(w1);
        assertTrue(w1.closes(session).isEmpty(), "the close waits for the request");
        finish("last").statusCode(200).body("closed_sessions", contains(session));
        awaitClosed(w1, session);
    }

    @Test
    void badHeaderValuesAreRefusedNamingTheHeader() {
        route(headers("bad-1", "w1", Map.of("x-dynamo-session-id", "tab\there"))).statusCode(400)
                .body("detail", containsString("headers.x-dynamo-session-id"));
        route(headers("bad-2", "w1", Map.of("x-session-id", "x".repeat(257)))).statusCode(400)
                .body("detail", containsString("headers.x-session-id"));
        route(headers("bad-3", "w1", Map.of("x-dynamo-session-id", newSession("ok"), "x-dynamo-session-final",
                "maybe"))).statusCode(400).body("detail", containsString("headers.x-dynamo-session-final"));
        Map<String, Object> noContext = new HashMap<>(headers("unused", "w1", Map.of("x-dynamo-session-id",
                newSession("ok"), "x-dynamo-session-final", "true")));
        noContext.remove("context_id");
        route(noContext).statusCode(400).body("detail", containsString("context_id"));
        Map<String, Object> badMode = new HashMap<>(headers("bad-4", "w1", Map.of("x-dynamo-session-id",
                newSession("ok"))));
        badMode.put("affinity_mode", "sticky");
        route(badMode).statusCode(400).body("detail", containsString("affinity_mode"));
    }

    @Test
    void aRequestInFlightHoldsItsSessionPastItsTtlAndTheTtlCountsFromItsFinish() {
        String session = newSession("held");
        FakeWorker w1 = workers.get("w1");
        open(session, Map.of("instance_id", "w1", "timeout_secs", 1)).statusCode(200);
        route(control("long-generation", "w3", session)).statusCode(200).body("instance_id", equalTo("w1"));
        get(session).statusCode(200).body("in_flight", equalTo(1));

        Eventually.pause(Duration.ofMillis(1500));
        get(session).statusCode(200).body("in_flight", equalTo(1));
        assertTrue(w1.closes(session).isEmpty(), "a session with a request in flight does not expire");

        Instant finished = Instant.now();
        finish("long-generation").statusCode(200);
        String expiresAt = get(session).statusCode(200).body("in_flight", equalTo(0)).extract().path("expires_at");
        assertTrue(!Instant.parse(expiresAt).isBefore(finished.plusMillis(900)), "the TTL counts from the finish: "
                + expiresAt + " after " + finished);
        awaitClosed(w1, session);
        get(session).statusCode(404);
    }

    @Test
    void aHoldWhoseRequestNeverFinishesEndsAfterTheGuard() {
        String session = newSession("never-finished");
        open(session, Map.of("instance_id", "w1", "timeout_secs", 1)).statusCode(200);
        route(control("never-finishes", "w1", session)).statusCode(200);

        Eventually.pause(Duration.ofMillis(1200));
        get(session).statusCode(200).body("in_flight", equalTo(1));
        Eventually.await(Duration.ofSeconds(5), () -> "expiry once the 2 s guard released the hold",
                () -> get(session).extract().statusCode() == 404);
        awaitClosed(workers.get("w1"), session);
    }

    @Test
    void hardAffinityRefusesAWorkerThatCannotServeNamingIt() {
        String session = newSession("hard");
        route(headers("h-1", "w3", Map.of("x-dynamo-session-id", session))).statusCode(200)
                .body("instance_id", equalTo("w3"));
        finish("h-1").statusCode(200);
        stopped(workers.get("w3"));

        route(headers("h-2", "w1", Map.of("x-dynamo-session-id", session))).statusCode(503)
                .body("detail", allOf(containsString("'w3'"), containsString("unhealthy"),
                        containsString("hard affinity")));

        get(session).statusCode(200).body("instance_id", equalTo("w3"));
        assertTrue(workers.get("w1").opens(session).isEmpty(), "not moved");
    }

    @Test
    void softAffinityMovesTheSessionAndClosesItOnTheOldWorker() {
        String session = newSession("soft");
        FakeWorker w1 = workers.get("w1");
        FakeWorker w3 = workers.get("w3");
        route(headers("s-1", "w3", Map.of("x-dynamo-session-id", session))).statusCode(200);
        finish("s-1").statusCode(200);
        stopped(w3);

        Map<String, Object> soft = new HashMap<>(headers("s-2", "w1", Map.of("x-dynamo-session-id", session)));
        soft.put("affinity_mode", "soft");
        route(soft).statusCode(200).body("instance_id", equalTo("w1")).body("sticky", equalTo(false))
                .body("rebound", equalTo(true)).body("engine_session", equalTo(true));
        finish("s-2").statusCode(200);

        assertEquals(1, w1.opens(session).size(), "re-opened on the pick: " + w1.rpcs());
        get(session).statusCode(200).body("instance_id", equalTo("w1")).body("kind", equalTo("engine_backed"));
        w3.start();
        awaitClosed(w3, session);
    }

    @Test
    void withoutAModeASessionControlRouteKeepsTheSeedsRule() {
        String session = newSession("seed");
        open(session, "w3").statusCode(200);
        stopped(workers.get("w3"));

        route(control("seed-1", "w1", session)).statusCode(200).body("instance_id", equalTo("w3"))
                .body("sticky", equalTo(true)).body("rebound", equalTo(false));
        finish("seed-1").statusCode(200);
    }

    @Test
    void childrenFollowTheirParentAndCloseWithIt() {
        String root = newSession("root");
        String opened = newSession("child-opened");
        String routed = newSession("child-routed");
        FakeWorker w1 = workers.get("w1");
        FakeWorker w3 = workers.get("w3");
        open(root, "w1").statusCode(200);
        open(opened, Map.of("instance_id", "w3", "parent_session_id", root)).statusCode(200)
                .body("parent_session_id", equalTo(root));

        route(headers("sub-1", "w3", Map.of("x-dynamo-session-id", routed, "x-dynamo-parent-session-id", root)))
                .statusCode(200).body("instance_id", equalTo("w1")).body("engine_session", equalTo(true));
        finish("sub-1").statusCode(200);

        get(root).statusCode(200).body("children", equalTo(List.of(opened, routed).stream().sorted().toList()))
                .body("parent_session_id", nullValue());
        get(routed).statusCode(200).body("parent_session_id", equalTo(root)).body("instance_id", equalTo("w1"));

        close(root, Map.of()).statusCode(202).body("engine_close", equalTo("scheduled"));

        awaitClosed(w1, root);
        awaitClosed(w3, opened);
        awaitClosed(w1, routed);
        get(opened).statusCode(404);
        get(routed).statusCode(404);
        fence(w1);
        fence(w3);
        assertEquals(1, w3.closes(opened).size(), "each child closed once");
        assertEquals(1, w1.closes(routed).size(), "each child closed once");
    }

    @Test
    void anExpiredParentTakesItsChildrenAlong() {
        String root = newSession("expiring-root");
        String child = newSession("long-child");
        FakeWorker w1 = workers.get("w1");
        open(root, Map.of("instance_id", "w1", "timeout_secs", 1)).statusCode(200);
        open(child, Map.of("instance_id", "w1", "timeout_secs", 300, "parent_session_id", root)).statusCode(200);

        Eventually.await(Duration.ofSeconds(4), () -> "the child closed with its expired parent",
                () -> get(child).extract().statusCode() == 404);
        awaitClosed(w1, child);
        awaitClosed(w1, root);
    }

    @Test
    void treesAreBoundedInDepthAndFanOut() {
        String a = newSession("a");
        String b = newSession("b");
        String c = newSession("c");
        open(a, "w1").statusCode(200);
        bindChild(b, a).statusCode(200);
        bindChild(c, b).statusCode(200).body("parent_session_id", equalTo(b));
        bindChild(newSession("too-deep"), c).statusCode(400)
                .body("detail", allOf(containsString("parent_session_id"), containsString("2 deep")));

        bindChild(newSession("second"), a).statusCode(200);
        bindChild(newSession("third"), a).statusCode(429).body("detail", containsString("2 child sessions"));
        bindChild(newSession("orphan"), newSession("nobody")).statusCode(404)
                .body("detail", containsString("parent_session_id"));
        bindChild(a, a).statusCode(400).body("detail", containsString("parent_session_id"));
        close(a, Map.of()).statusCode(202);
    }

    @Test
    void workersShowNoAdmissionBound() {
        workers().statusCode(200).body("workers.find { it.instance_id == 'w1' }.max_sessions", nullValue());
    }

    private static ValidatableResponse bindChild(String session, String parent) {
        return bind(session, Map.of("instance_id", "w1", "parent_session_id", parent));
    }

    private static Map<String, Object> headers(String contextId, String pick, Map<String, String> headers) {
        return Map.of("context_id", contextId, "instance_id", pick, "headers", headers);
    }

    private static Map<String, Object> control(String contextId, String pick, String session) {
        return Map.of("context_id", contextId, "instance_id", pick, "session_control", Map.of("session_id",
                session));
    }
}
