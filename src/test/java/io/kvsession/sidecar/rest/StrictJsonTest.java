package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import org.hamcrest.Matcher;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Issue #11, finding 11: a body is one JSON object of the right types in UTF-8, or a 400 naming the field — and no
 * detail names a Java type.
 */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class StrictJsonTest extends FakeWorkersTest {

    private static final String BIND = "{\"instance_id\":\"w1\"}";

    private final String session = newSession("json");

    @Test
    void valuesOfTheWrongTypeAreRefusedNotConverted() {
        badJson("{\"instance_id\":\"w1\",\"timeout_secs\":\"600\"}",
                "timeout_secs has the wrong type: expected a whole number");
        badJson("{\"instance_id\":\"w1\",\"timeout_secs\":600.7}",
                "timeout_secs has the wrong type: expected a whole number");
        badJson("{\"instance_id\":\"w1\",\"timeout_secs\":true}",
                "timeout_secs has the wrong type: expected a whole number");
        badJson("{\"instance_id\":1}", "instance_id has the wrong type: expected a string");
        badJson("{\"instance_id\":true}", "instance_id has the wrong type: expected a string");
        badJson("{\"instance_id\":{\"id\":\"w1\"}}", "instance_id has the wrong type: expected a string");
        badJson("{\"instance_id\":\"w1\",\"timeout_secs\":99999999999999999999}", "timeout_secs is out of range");
        given().contentType(ContentType.JSON).body(Map.of("context_id", "c", "session_control",
                Map.of("session_id", session, "timeout", "60"))).post("/v1/route").then()
                .statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("session_control.timeout has the wrong type: expected a whole number"));
        workers.assertNoRpcsFor(session);
    }

    @Test
    void aBodyIsOneObjectWithEachKeyOnce() {
        badJson("{\"instance_id\":\"w1\",\"instance_id\":\"w2\"}", "the body is not valid JSON");
        badJson("{\"instance_id\":\"w1\",\"instance_id\":\"w2\"}", "")
                .body("detail", containsString("'instance_id'"));
        badJson("{\"instance_id\":\"w1\"} {\"instance_id\":\"w2\"}", "the body must be one JSON object");
        badJson("{\"instance_id\":\"w1\"}x", "the body is not valid JSON");
        badJson("[{\"instance_id\":\"w1\"}]", "the body must be one JSON object");
        badJson("\"w1\"", "the body must be one JSON object");
        workers.assertNoRpcsFor(session);
    }

    @Test
    void onlyUtf8IsAccepted() {
        for (String charset : List.of("ISO-8859-1", "utf-16", "\"windows-1252\"")) {
            given().contentType("application/json; charset=" + charset).body(BIND.getBytes())
                    .post("/v1/sessions/{id}/bind", session).then().statusCode(415)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("detail", startsWith("the body must be JSON in UTF-8 (RFC 8259)"));
        }
        given().contentType("application/json; charset=UTF-8").body(BIND).post("/v1/sessions/{id}/bind", session)
                .then().statusCode(200);
        given().contentType("application/json").body(BIND).post("/v1/sessions/{id}/bind", session)
                .then().statusCode(200);
    }

    private ValidatableResponse badJson(String body, String detailStart) {
        return given().contentType(ContentType.JSON).body(body)
                .post("/v1/sessions/{id}/bind", session).then()
                .statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("detail", allOf(startsWith(detailStart), namesNoJavaType()));
    }

    private static Matcher<String> namesNoJavaType() {
        return allOf(not(containsString("java.")), not(containsString("io.kvsession")), not(containsString("`")),
                not(containsString("Bodies")), not(containsString("Request")));
    }
}
