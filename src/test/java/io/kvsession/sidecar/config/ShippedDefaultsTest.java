package io.kvsession.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * Issue #11, findings 7 and 15: what the sidecar does with no configuration of its own — the API on loopback, idle
 * connections closed, connections capped on both ports — and what dev mode keeps (loopback, no token).
 */
class ShippedDefaultsTest {

    @Test
    void theApiListensOnLoopbackWithIdleConnectionsClosedAndCapped() throws IOException {
        Properties shipped = shipped();

        assertEquals("127.0.0.1", shipped.getProperty("quarkus.http.host"));
        assertNull(shipped.getProperty("%prod.quarkus.http.host"));
        assertNull(shipped.getProperty("%dev.quarkus.http.host"), "dev mode keeps the loopback default");
        assertNull(shipped.getProperty("%dev.kvsession.auth.token"), "dev mode starts without a token");
        for (String port : new String[] { "quarkus.http", "quarkus.management" }) {
            assertEquals("30s", shipped.getProperty(port + ".idle-timeout"), port);
            assertTrue(Integer.parseInt(shipped.getProperty(port + ".limits.max-connections")) > 0, port);
        }
    }

    private static Properties shipped() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = ShippedDefaultsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        return properties;
    }
}
