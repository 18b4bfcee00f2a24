package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.kvsession.sidecar.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Issue #11, finding 14: requests refused before they reach a resource — too large a body, URI or header set — are
 * RFC 9457 problems like every other error, and {@code limit} is written in ASCII digits only.
 */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class EdgeProblemsTest extends FakeWorkersTest {

    @Test
    void tooLargeBodiesUrisAndHeadersAreProblems() throws IOException {
        String session = newSession("edge");
        String body = "{\"instance_id\":\"w1\",\"context_id\":\"" + "x".repeat(66_000) + "\"}";
        given().contentType(ContentType.JSON).body(body).post("/v1/sessions/{id}/open", session).then()
                .statusCode(413).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:kvsession:problem:http-413"))
                .body("title", equalTo("Request Entity Too Large"))
                .body("detail", equalTo("the request body is larger than 65536 bytes"))
                .body("instance", equalTo("/v1/sessions/" + session + "/open"));
        RawHttp.send(("POST /v1/sessions/" + session + "/open HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                + "application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length())
                + "\r\n" + body + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8))
                .assertProblem(413, "the request body is larger than 65536 bytes");
        given().urlEncodingEnabled(false).get("/v1/sessions/" + "a".repeat(5000)).then()
                .statusCode(414).contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("the request URI is longer than 4096 characters"));
        given().header("X-Padding", "p".repeat(20_000)).get("/v1/workers").then()
                .statusCode(431).contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("the request headers take more than 16384 bytes"));
        workers.assertNoRpcsFor(session);
    }

    @Test
    void limitIsWrittenInAsciiDigits() {
        for (String limit : List.of("\u0661\u0660", "+5", "1e2", " 5", "0x10", "\uff15")) {
            given().queryParam("limit", limit).get("/v1/sessions").then().statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("detail", startsWith("limit must be a whole number written in ASCII digits"));
        }
        given().queryParam("limit", "99999999999").get("/v1/sessions").then().statusCode(400)
                .body("detail", startsWith("limit is too large"));
        given().queryParam("limit", "10").get("/v1/sessions").then().statusCode(200);
    }
}
