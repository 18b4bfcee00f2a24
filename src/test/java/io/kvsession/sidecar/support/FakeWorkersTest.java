package io.kvsession.sidecar.support;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import io.kvsession.sidecar.control.Worker;
import io.kvsession.sidecar.control.WorkerRegistry;

/** A test against fake workers: each test starts with every worker up, answering normally, and every breaker closed. */
public abstract class FakeWorkersTest {

    /** Injected by {@link FakeWorkersResource}. */
    protected FakeWorkers workers;

    @Inject
    WorkerRegistry registry;

    @BeforeEach
    void freshWorkersAndBreakers() {
        workers.resetAll();
        registry.all().forEach(Worker::resetCircuit);
    }
}
