package io.kvsession.sidecar.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the fake workers a test application talks to and configures them as static instances: {@code w1} speaks
 * SGLang, {@code w2} is a Dynamo worker on the request plane (a static {@code tcp://} instance), and {@code w3}
 * (SGLang) is the one tests take down and bring back. Tests receive them
 * in a {@link FakeWorkers} field. With the init argument {@code late=true}, {@code w1} alone exists and starts down;
 * with {@code sglang=true}, five SGLang workers whose session modes the test sets: {@code slow}, {@code plain},
 * {@code radix}, {@code legacy} and {@code flip}.
 */
public class FakeWorkersResource implements QuarkusTestResourceLifecycleManager {

    private FakeWorkers workers;
    private boolean late;
    private boolean sglang;

    @Override
    public void init(Map<String, String> initArgs) {
        late = Boolean.parseBoolean(initArgs.getOrDefault("late", "false"));
        sglang = Boolean.parseBoolean(initArgs.getOrDefault("sglang", "false"));
    }

    @Override
    public Map<String, String> start() {
        if (late) {
            workers = new FakeWorkers().add(new FakeWorker("w1").reservePort());
        } else if (sglang) {
            workers = new FakeWorkers();
            for (String id : List.of("slow", "plain", "radix", "legacy", "flip")) {
                workers.add(new FakeWorker(id).start());
            }
        } else {
            workers = FakeWorkers.mixed();
        }
        return workers.config();
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(workers, new TestInjector.MatchesType(FakeWorkers.class));
    }

    @Override
    public void stop() {
        if (workers != null) {
            workers.shutdown();
        }
    }
}
