package io.kvsession.sidecar.support;

import java.util.Map;

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
}
