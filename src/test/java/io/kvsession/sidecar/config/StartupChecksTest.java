package io.kvsession.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue #11, finding 15: the API without a token is served on loopback only, unless anonymity is chosen. */
class StartupChecksTest {

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]" })
    void loopbackServesWithoutAToken(String host) {
        assertEquals(Optional.empty(), StartupChecks.exposure(host, false, false));
    }

    @ParameterizedTest
    @ValueSource(strings = { "0.0.0.0", "::", "10.0.3.7", "192.0.2.1" })
    void anyOtherAddressNeedsATokenOrAnExplicitChoice(String host) {
        String refusal = StartupChecks.exposure(host, false, false).orElseThrow();
        assertTrue(refusal.contains("kvsession.auth.token-file") && refusal.contains("kvsession.auth.token")
                && refusal.contains("kvsession.auth.allow-anonymous=true") && refusal.contains("quarkus.http.host"),
                refusal);
        assertEquals(Optional.empty(), StartupChecks.exposure(host, true, false));
        assertEquals(Optional.empty(), StartupChecks.exposure(host, false, true));
    }
}
