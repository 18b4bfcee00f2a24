package io.kvsession.sidecar.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The test applications: each profile is one application start, shared by the test classes that name it. */
public final class Profiles {

    private Profiles() {
    }

    /** Fake workers w1 (SGLang), w2 (Dynamo), w3 (SGLang), short timeouts from the %test profile. */
    public static class WithWorkers implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeWorkersResource.class));
        }
    }

    /** No worker configured at all: every open is affinity-only. */
    public static class NoWorkers implements QuarkusTestProfile {
    }

    /**
     * One worker, w1, that is down when the first lifecycle call probes and starts later. The probe round ends with
     * the first call's wait (1 s), and "unavailable" is then cached for 4 s, long enough for a test to see it cached
     * on a busy machine.
     */
    public static class LateWorker implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeWorkersResource.class, Map.of("late", "true")));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kvsession.control.retry-after", "4s", "kvsession.control.wait-for-instances", "1s",
                    "kvsession.control.health-timeout", "1s");
        }
    }

    /** Fake workers, and bindings in a real Redis. */
    public static class RedisStore implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeWorkersResource.class),
                    new TestResourceEntry(RedisResource.class));
        }
    }

    /** Dynamo workers found through a real etcd (two at start, more registered by tests). */
    public static class Dynamo implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DynamoCluster.class));
        }
    }

    /**
     * Five SGLang workers whose session modes the test sets: slow, plain, radix, legacy and flip. What a worker
     * offers is read again every 3 s, long enough for a test to see what an answer taught.
     */
    public static class SglangModes implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeWorkersResource.class, Map.of("sglang", "true")));
        }

        /** Its tests are about what workers offer, not timeouts: a loaded machine must not turn an open into a 504. */
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kvsession.control.retry-after", "3s", "kvsession.rpc.open-timeout", "5s");
        }
    }

    /** Fake workers as in {@link WithWorkers}, in an application of its own that no test has called yet. */
    public static class Untouched extends WithWorkers {
    }

    /**
     * Fake workers and tight bounds: a table of 4 bindings, a worker-timeout buffer of 1 s so that a close gives up
     * 1 s after a 1 s TTL, and room for 2 waiting closes of sessions never bound.
     */
    public static class Tight extends WithWorkers {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kvsession.affinity.max-entries", "4",
                    "kvsession.session.worker-timeout-buffer", "1s",
                    "kvsession.rpc.close-max-pending-unbound", "2");
        }
    }

    /** No workers, and a bearer token required, read from a file as from a mounted Kubernetes Secret. */
    public static class Authenticated implements QuarkusTestProfile {
        public static final String TOKEN = "s3cret-t0ken";

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("kvsession-token", "");
                Files.writeString(file, TOKEN + "\n");
                file.toFile().deleteOnExit();
                return Map.of("kvsession.auth.token-file", file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Fake workers, and subagent trees at most 2 deep with at most 2 children per parent. */
    public static class Agents extends WithWorkers {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kvsession.agents.max-depth", "2", "kvsession.agents.max-children", "2");
        }
    }

    /** Fake workers that take 2 sessions each. */
    public static class Admission extends WithWorkers {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kvsession.admission.max-sessions-per-instance", "2");
        }
    }

    /** Fake workers for the soak test, in an application of its own; each worker takes 60 sessions. */
    public static class Soak extends WithWorkers {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kvsession.admission.max-sessions-per-instance", "60");
        }
    }

    /** Workers found through a fake DNS server (refresh 200 ms), plus one static worker. */
    public static class Discovered implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DiscoveryResource.class));
        }
    }
}
