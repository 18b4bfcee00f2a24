package io.kvsession.sidecar.support;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/** A test against fake workers: each test starts with every worker up, answering normally, and every breaker closed. */
public abstract class FakeWorkersTest {

    /** Injected by {@link FakeWorkersResource}. */
    protected FakeWorkers workers;

    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeEach
    void freshWorkersAndBreakers() {
        workers.resetAll();
        breakers.resetAll();
    }
}
