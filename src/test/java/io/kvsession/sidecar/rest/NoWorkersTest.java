package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.bind;
import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.route;
import static io.kvsession.sidecar.support.Api.workers;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** With no worker configured the sidecar still serves, and opens are affinity-only (SPEC §2.2). */
@QuarkusTest
@TestProfile(Profiles.NoWorkers.class)
class NoWorkersTest {

    @Test
    void opensDegradeToRouterOnlyBindingsForAnyInstance() {
        String session = newSession("degraded");

        open(session, Map.of("instance_id", "10.0.3.7:30000", "timeout_secs", 60)).statusCode(200)
                .body("kind", equalTo("router_only"))
                .body("engine_session", equalTo(false))
                .body("instance_id", equalTo("10.0.3.7:30000"));

        get(session).statusCode(200).body("kind", equalTo("router_only"));
        open(session, "10.0.3.7:30000").statusCode(200);
        open(session, "10.0.3.8:30000").statusCode(409);
        workers().statusCode(200)
                .body("session_control", equalTo("unavailable"))
                .body("workers", empty());
    }

    @Test
    void routeAndCloseWorkWithoutWorkers() {
        String session = newSession("degraded-route");

        route(Map.of("context_id", "c1", "instance_id", "18446744073709551615",
                "session_control", Map.of("session_id", session, "action", "open"))).statusCode(200)
                .body("instance_id", equalTo("18446744073709551615"))
                .body("engine_session", equalTo(false));
        close(session, Map.of()).statusCode(202).body("engine_close", equalTo("none"));
        close(session, Map.of("instance_id", "anything")).statusCode(202).body("engine_close", equalTo("none"));
    }

    @Test
    void sessionsOfAnInstanceArePagedInIdOrder() {
        String instance = "instance-" + UUID.randomUUID();
        String prefix = "page-" + UUID.randomUUID() + "-";
        for (String suffix : new String[] { "c", "a", "e", "b", "d" }) {
            bind(prefix + suffix, Map.of("instance_id", instance)).statusCode(200);
        }

        String token = given().get("/v1/sessions?instance_id={i}&limit=2", instance).then().statusCode(200)
                .body("sessions.session_id", contains(prefix + "a", prefix + "b"))
                .body("sessions[0].kind", equalTo("router_only"))
                .body("next_page_token", notNullValue())
                .extract().path("next_page_token");
        token = given().get("/v1/sessions?instance_id={i}&limit=2&page_token={t}", instance, token).then()
                .statusCode(200)
                .body("sessions.session_id", contains(prefix + "c", prefix + "d"))
                .extract().path("next_page_token");
        given().get("/v1/sessions?instance_id={i}&limit=2&page_token={t}", instance, token).then().statusCode(200)
                .body("sessions.session_id", contains(prefix + "e"))
                .body("next_page_token", nullValue());
        given().get("/v1/sessions?instance_id={i}&limit=2&page_token={t}", instance, token).then()
                .body("sessions", hasSize(1));
    }
}
