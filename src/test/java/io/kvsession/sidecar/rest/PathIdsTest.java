package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Api;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.kvsession.sidecar.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Issue #11, findings 5 and 12 over REST: an id in the path is taken as written or refused with a 400 naming it —
 * never cut at a {@code ;}, never decoded to U+FFFD (so two bad ids cannot become one), never hiding invisible or
 * bidirectional characters. The same ids over gRPC: {@code GrpcHardeningTest}.
 */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class PathIdsTest extends FakeWorkersTest {

    private static final String BIND = "{\"instance_id\":\"w1\"}";

    @Test
    void aSemicolonInAPathIdIsRefusedNotCutOff() {
        String victim = newSession("victim");

        raw().body(BIND).post("/v1/sessions/" + victim + ";x/bind").then()
                .statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("session_id must not contain ';'"));
        raw().body(BIND).post("/v1/sessions/" + victim + "%3Bx/bind").then()
                .statusCode(400).body("detail", equalTo("session_id must not contain ';'"));
        raw().get("/v1/sessions/" + victim + ";touch=true").then()
                .statusCode(400).body("detail", equalTo("session_id must not contain ';'"));
        raw().post("/v1/requests/ctx;1/finish").then()
                .statusCode(400).body("detail", equalTo("context_id must not contain ';'"));

        Api.get(victim).statusCode(404);
        workers.assertNoRpcsFor(victim);
    }

    @Test
    void pathIdsThatAreNotOneVisibleUtf8StringAreRefused() throws IOException {
        badPath("/v1/sessions/a%FFb/bind", "session_id must be valid UTF-8 once percent-decoded");
        badPath("/v1/sessions/a%FEb/bind", "session_id must be valid UTF-8 once percent-decoded");
        badPath("/v1/sessions/%ED%A0%80/bind", "session_id must be valid UTF-8 once percent-decoded");
        badPath("/v1/requests/%C0%AF/finish", "context_id must be valid UTF-8 once percent-decoded");
        badPath("/v1/sessions/admin%E2%80%AEtxt.exe/bind", "session_id must not contain invisible");
        badPath("/v1/sessions/a%E2%81%A6b/bind", "session_id must not contain invisible");
        badPath("/v1/sessions/a%E2%80%8Bb/bind", "session_id must not contain invisible");
        badPath("/v1/sessions/%EF%BB%BFa/bind", "session_id must not contain invisible");
        badPath("/v1/sessions/a%E2%80%A8b/bind", "session_id must not contain invisible");
        badPath("/v1/sessions/%20%E3%80%80%20/bind", "session_id must not be only white space");
        badPath("/v1/sessions/%2E%2E/bind", "session_id must not be '.' or '..'");
        RawHttp.send(("POST /v1/sessions/caf\u00e9/bind HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                + "application/json\r\nContent-Length: " + BIND.length() + "\r\n\r\n" + BIND)
                .getBytes(StandardCharsets.UTF_8))
                .assertProblem(400, "session_id must be ASCII in the request path");
        workers.assertNoRpcsFor("a\ufffdb", "caf\u00e9", "admin\u202etxt.exe", "..");

        String accented = "caf\u00e9-" + newSession("ok");
        Api.bind(accented, Map.of("instance_id", "w1")).statusCode(200).body("session_id", equalTo(accented));
        Api.get(accented).statusCode(200);
    }

    @Test
    void bodyIdsFollowTheSameRules() {
        String session = newSession("body");
        badBody(session, Map.of("instance_id", "w1\u202e"), "instance_id must not contain invisible");
        badBody(session, Map.of("instance_id", "w1", "context_id", "\u2060"), "context_id must not contain invisible");
        badBody(session, Map.of("instance_id", "w1", "context_id", "a;b"), "context_id must not contain ';'");
        badBody(session, Map.of("instance_id", "\u00a0\u2003"), "instance_id must not be only white space");
        raw().body("{\"instance_id\":\"w1\",\"context_id\":\"\\ud800\"}").post("/v1/sessions/{id}/open",
                session).then().statusCode(400)
                .body("detail", equalTo("context_id must be valid Unicode: it holds a lone surrogate"));
        workers.assertNoRpcsFor(session);
    }

    private static RequestSpecification raw() {
        return given().urlEncodingEnabled(false).contentType(ContentType.JSON);
    }

    private void badPath(String path, String detailStart) {
        raw().body(BIND).post(path).then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("detail", startsWith(detailStart));
    }

    private void badBody(String session, Map<String, ?> body, String detailStart) {
        Api.open(session, body).statusCode(400).body("detail", startsWith(detailStart));
    }
}
