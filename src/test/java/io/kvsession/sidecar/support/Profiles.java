package io.kvsession.sidecar.support;

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

    /** One worker, w1, that is down when the first lifecycle call probes and starts later. */
    public static class LateWorker implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeWorkersResource.class, Map.of("late", "true")));
        }
    }

    /** Fake workers as in {@link WithWorkers}, in an application of its own that no test has called yet. */
    public static class Untouched extends WithWorkers {
    }
}
