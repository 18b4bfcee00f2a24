package io.kvsession.sidecar.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

@QuarkusTest
@TestProfile(Profiles.Authenticated.class)
class AuthTest {

    @Test
    void v1RequiresTheBearerToken() {
        given().get("/v1/workers").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .contentType("application/problem+json")
                .body("status", equalTo(401));
        given().header("Authorization", "Bearer wrong").get("/v1/workers").then().statusCode(401);
        given().header("Authorization", "Basic " + Profiles.Authenticated.TOKEN).get("/v1/workers").then()
                .statusCode(401);
        given().header("Authorization", "Bearer " + Profiles.Authenticated.TOKEN).get("/v1/workers").then()
                .statusCode(200);
    }

    @Test
    void aRefusedCallChangesNothing() {
        given().contentType(ContentType.JSON).body(Map.of("instance_id", "w1"))
                .post("/v1/sessions/auth-s1/open").then().statusCode(401);

        given().header("Authorization", "Bearer " + Profiles.Authenticated.TOKEN)
                .get("/v1/sessions/auth-s1").then().statusCode(404);
    }

    @Test
    void healthAndMetricsStayOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
