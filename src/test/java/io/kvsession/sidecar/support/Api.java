package io.kvsession.sidecar.support;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** The sidecar's REST API as a router calls it. */
public final class Api {

    private Api() {
    }

    /** A session id no other test uses. */
    public static String newSession(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    public static ValidatableResponse open(String sessionId, Map<String, ?> body) {
        return post("/v1/sessions/{id}/open", sessionId, body);
    }

    public static ValidatableResponse open(String sessionId, String instanceId) {
        return open(sessionId, Map.of("instance_id", instanceId));
    }

    public static ValidatableResponse bind(String sessionId, Map<String, ?> body) {
        return post("/v1/sessions/{id}/bind", sessionId, body);
    }

    public static ValidatableResponse close(String sessionId, Map<String, ?> body) {
        return post("/v1/sessions/{id}/close", sessionId, body);
    }

    public static ValidatableResponse get(String sessionId) {
        return given().get("/v1/sessions/{id}", sessionId).then();
    }

    public static ValidatableResponse route(Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/route").then();
    }

    public static ValidatableResponse finish(String contextId) {
        return given().post("/v1/requests/{id}/finish", contextId).then();
    }

    public static ValidatableResponse workers() {
        return given().get("/v1/workers").then();
    }

    private static ValidatableResponse post(String path, String sessionId, Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).post(path, sessionId).then();
    }
}
