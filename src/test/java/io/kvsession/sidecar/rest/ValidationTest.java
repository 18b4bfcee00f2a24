package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Api;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Bad input is a 400 problem naming the field, changes nothing and sends no RPC (SPEC §3.6). */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class ValidationTest extends FakeWorkersTest {

    @Test
    void sessionIdsAreOneTo256BytesWithoutControlCharacters() {
        badOpen("é".repeat(128) + "x", Map.of("instance_id", "w1"), "session_id must be at most 256 bytes");
        badOpen("bad\u0001id", Map.of("instance_id", "w1"), "session_id must not contain control characters");
        workers.assertNoRpcsFor("é".repeat(128) + "x", "bad\u0001id");

        String longest = "é".repeat(128);
        open(longest, "w1").statusCode(200);
        Api.close(longest, Map.of()).statusCode(202);
    }

    @Test
    void timeoutsAreOneSecondToOneYear() {
        String session = newSession("ttl");
        badOpen(session, Map.of("instance_id", "w1", "timeout_secs", 0), "timeout_secs must be between 1 and 31536000");
        badOpen(session, Map.of("instance_id", "w1", "timeout_secs", 31_536_001), "timeout_secs");
        given().contentType(ContentType.JSON).body(Map.of("instance_id", "w1", "timeout_secs", -5))
                .post("/v1/sessions/{id}/bind", session).then().statusCode(400)
                .body("detail", startsWith("timeout_secs"));
        open(session, Map.of("instance_id", "w1", "timeout_secs", 31_536_000)).statusCode(200);
    }

    @Test
    void missingAndMistypedFieldsAreNamed() {
        String session = newSession("fields");
        badOpen(session, Map.of(), "instance_id is required");
        badOpen(session, Map.of("instance_id", ""), "instance_id is required");
        badOpen(session, Map.of("instance_id", "w1", "capacity_of_str_len", 0), "capacity_of_str_len must be positive");
        badOpen(session, Map.of("instance_id", List.of("w1")), "instance_id has the wrong type");
        badOpen(session, Map.of("instance_id", "w1", "timeout_secs", "soon"), "timeout_secs has the wrong type");
        given().contentType(ContentType.JSON).post("/v1/sessions/{id}/open", session).then().statusCode(400)
                .body("detail", startsWith("instance_id is required"));
        given().contentType(ContentType.JSON).body("{\"instance_id\": ").post("/v1/sessions/{id}/open", session)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("the body is not valid JSON"));
        route(Map.of("context_id", "c", "session_control", Map.of("session_id", session, "action", "reopen")))
                .body("detail", startsWith("session_control.action must be one of open, bind, close or null"));
        route(Map.of("context_id", "c", "session_control", Map.of("action", "open")))
                .body("detail", startsWith("session_control.session_id is required"));
        route(Map.of("context_id", "c")).body("detail", startsWith("instance_id is required"));
        workers.assertNoRpcsFor(session);
        given().get("/v1/sessions/{id}", session).then().statusCode(404);
    }

    @Test
    void queryParametersAreCheckedStrictly() {
        given().get("/v1/sessions?limit=0").then().statusCode(400).body("detail", startsWith("limit must be between"));
        given().get("/v1/sessions?limit=1001").then().statusCode(400);
        given().get("/v1/sessions?limit=ten").then().statusCode(400).body("detail", containsString("'ten'"));
        given().get("/v1/sessions?page_token=%%%").then().statusCode(400).body("detail", startsWith("page_token"));
        given().get("/v1/sessions/{id}?touch=maybe", "x").then().statusCode(400).body("detail", startsWith("touch"));
    }

    @Test
    void bodiesOver64KibAreRefused() {
        String session = newSession("big");
        given().contentType(ContentType.JSON).body(Map.of("instance_id", "w1", "context_id", "x".repeat(70_000)))
                .post("/v1/sessions/{id}/open", session).then().statusCode(413);
        workers.assertNoRpcsFor(session);
    }

    @Test
    void problemsFollowRfc9457() {
        String session = newSession("problem");
        open(session, Map.of("instance_id", "w1", "timeout_secs", 0)).statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:kvsession:problem:invalid-argument"))
                .body("title", equalTo("Invalid request"))
                .body("status", equalTo(400))
                .body("instance", equalTo("/v1/sessions/" + session + "/open"));
    }

    private void badOpen(String session, Map<String, ?> body, String detailStart) {
        open(session, body).statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", startsWith(detailStart));
    }

    private static ValidatableResponse route(Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/route").then().statusCode(400);
    }
}
