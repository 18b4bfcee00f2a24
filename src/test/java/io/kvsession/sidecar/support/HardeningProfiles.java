package io.kvsession.sidecar.support;

import java.time.Duration;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The applications of the edge-hardening tests (issue #11), apart from {@link Profiles} to keep both short. */
public final class HardeningProfiles {

    private HardeningProfiles() {
    }

    /** Fake workers, and a breaker that waits 2.5 s, so that its Retry-After (3) differs from the default (1). */
    public static class SlowBreaker extends Profiles.WithWorkers {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kvsession.rpc.breaker.delay", "2500ms");
        }
    }

    /** No workers; the API port takes {@link #MAX_CONNECTIONS} connections and closes idle ones after 2 s. */
    public static class FewConnections implements QuarkusTestProfile {
        public static final int MAX_CONNECTIONS = 4;
        public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.limits.max-connections", Integer.toString(MAX_CONNECTIONS),
                    "quarkus.http.idle-timeout", IDLE_TIMEOUT.toMillis() + "ms");
        }
    }
}
