package io.kvsession.sidecar.support;

import java.util.LinkedHashMap;
import java.util.Map;

/** The fake workers of one test application, by instance id. */
public final class FakeWorkers {

    private final Map<String, FakeWorker> workers = new LinkedHashMap<>();

    FakeWorkers add(FakeWorker worker) {
        workers.put(worker.id(), worker);
        return this;
    }

    public FakeWorker get(String instanceId) {
        FakeWorker worker = workers.get(instanceId);
        if (worker == null) {
            throw new IllegalArgumentException("no fake worker " + instanceId + " in " + workers.keySet());
        }
        return worker;
    }

    /** Answers normally again, listening, with no sessions or RPCs recorded. */
    public void resetAll() {
        workers.values().forEach(worker -> {
            worker.reset();
            worker.start();
        });
    }

    Iterable<FakeWorker> all() {
        return workers.values();
    }

    /** The {@code kvsession.workers.*} properties naming every worker. */
    Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        workers.values().forEach(worker -> {
            config.put("kvsession.workers.\"" + worker.id() + "\".url", worker.url());
            config.put("kvsession.workers.\"" + worker.id() + "\".protocol", worker.protocolName());
        });
        return config;
    }
}
