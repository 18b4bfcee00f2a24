package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.bind;
import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** TTLs here are the shortest allowed, 1 s; the reaper runs every 200 ms in tests. */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class ExpiryTest extends FakeWorkersTest {

    @Test
    void anExpiredEngineSessionIsUnboundAndClosedOnTheWorkerWithinOneReaperInterval() {
        String session = newSession("expire");
        FakeWorker w1 = workers.get("w1");
        Instant expiresAt = Instant.parse(open(session, Map.of("instance_id", "w1", "timeout_secs", 1))
                .statusCode(200).extract().path("expires_at"));

        Eventually.await(Duration.ofSeconds(3), () -> "expiry close of " + session,
                () -> !w1.closes(session).isEmpty());

        Instant closedAt = Instant.now();
        assertTrue(closedAt.isBefore(expiresAt.plusMillis(200 + 300)),
                "closed at " + closedAt + ", expiry " + expiresAt + ", reaper every 200 ms");
        assertTrue(!w1.sessions().contains(session));
        given().get("/v1/sessions?instance_id=w1&limit=1000").then().statusCode(200)
                .body("sessions.session_id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(session)));
    }

    @Test
    void touchRenewsTheTtlAndAPlainGetDoesNot() {
        String session = newSession("slide");
        Instant bound = Instant.parse(bind(session, Map.of("instance_id", "w1", "timeout_secs", 1)).statusCode(200)
                .extract().path("expires_at"));

        assertEquals(bound, Instant.parse(get(session).statusCode(200).extract().path("expires_at")),
                "a plain GET does not renew");
        Eventually.await(Duration.ofSeconds(2), () -> "a touch pushes expires_at back",
                () -> Instant.parse(given().get("/v1/sessions/{id}?touch=true", session).then().statusCode(200)
                        .extract().path("expires_at")).isAfter(bound));

        Eventually.await(Duration.ofSeconds(3), () -> session + " expires once no longer touched",
                () -> given().get("/v1/sessions/{id}", session).statusCode() == 404);
    }
}
