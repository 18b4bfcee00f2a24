package io.kvsession.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Issue #11, finding 7: with no configuration of its own, idle connections are closed and capped on both ports. */
class ShippedDefaultsTest {

    @Test
    void idleConnectionsAreClosedAndConnectionsCapped() throws IOException {
        Properties shipped = shipped();

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
