package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.HardeningProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** Issue #11, finding 14: an open breaker's 503 says when it lets a call through: its delay, 2.5 s, rounded up. */
@QuarkusTest
@TestProfile(HardeningProfiles.SlowBreaker.class)
class RetryAfterTest extends FakeWorkersTest {

    @Test
    void anOpenBreakerAnswersRetryAfterItsDelayInWholeSeconds() {
        workers.get("w3").stop();
        for (int i = 0; i < 8; i++) {
            open(newSession("down"), "w3").statusCode(503).header("Retry-After", "1");
        }

        ExtractableResponse<Response> fastFail = open(newSession("fast-fail"), "w3").statusCode(503)
                .contentType(Problem.MEDIA_TYPE).extract();
        assertTrue(fastFail.path("detail").toString().contains("circuit breaker of worker w3 is open"),
                fastFail.asString());
        assertEquals("3", fastFail.header("Retry-After"));
    }
}
