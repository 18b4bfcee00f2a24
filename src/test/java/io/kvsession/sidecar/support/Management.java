package io.kvsession.sidecar.support;

import static io.restassured.RestAssured.given;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.response.ValidatableResponse;

/** The management interface of the application under test: health and metrics live there, not on the API port. */
public final class Management {

    private Management() {
    }

    public static ValidatableResponse get(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        return given().baseUri("http://localhost").port(port).get(path).then();
    }
}
