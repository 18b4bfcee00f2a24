package io.kvsession.sidecar.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Management;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ApiPaths} cannot drift from the resources: it lists exactly the paths of the API document. */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class ApiPathsTest {

    @Test
    void theTemplatesAreThePathsOfTheApiDocument() {
        Map<String, ?> paths = Management.get("/q/openapi?format=json").statusCode(200).extract().path("paths");

        assertEquals(paths.keySet(), Set.copyOf(ApiPaths.TEMPLATES));
    }
}
