package io.kvsession.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.SidecarProcess;

/**
 * Issue #11, findings 14 and 15 on the packaged sidecar: a configuration that cannot serve safely or usefully stops
 * the start with a message naming the key to change; the same sidecar with the choice made explicit starts.
 */
class StartupChecksIT {

    @Test
    void aStaticWorkerUrlThatCannotWorkStopsTheStartNamingItsKey() throws Exception {
        SidecarProcess.Refusal refusal = SidecarProcess.refused("startup-bad-url", Map.of(
                "kvsession.workers.\"w1\".url", "ftp://10.0.3.7:30000"));

        assertNotEquals(0, refusal.status(), refusal.log());
        assertTrue(refusal.log().contains("kvsession.workers.\"w1\".url is not usable"), refusal.log());
    }

    @Test
    void theApiOnAllAddressesWithoutATokenStopsTheStartNamingTheKeys() throws Exception {
        SidecarProcess.Refusal refusal = SidecarProcess.refused("startup-exposed", Map.of(
                "quarkus.http.host", "0.0.0.0"));

        assertNotEquals(0, refusal.status(), refusal.log());
        assertTrue(refusal.log().contains("no token is configured: set kvsession.auth.token-file"), refusal.log());
        assertTrue(refusal.log().contains("kvsession.auth.allow-anonymous=true"), refusal.log());
    }

    @Test
    void allAddressesServeWithATokenFileOrWhenAnonymityIsChosen() throws Exception {
        Path token = Files.createTempFile("kvsession-token", "");
        Files.writeString(token, "s3cret\n");
        try (SidecarProcess withToken = SidecarProcess.start("startup-token", Map.of("quarkus.http.host", "0.0.0.0",
                "kvsession.auth.token-file", token.toString()))) {
            assertEquals(401, withToken.get("/v1/workers").statusCode());
        } finally {
            Files.delete(token);
        }
        try (SidecarProcess anonymous = SidecarProcess.start("startup-anonymous", Map.of(
                "quarkus.http.host", "0.0.0.0", "kvsession.auth.allow-anonymous", "true"))) {
            assertEquals(200, anonymous.get("/v1/workers").statusCode());
        }
    }
}
