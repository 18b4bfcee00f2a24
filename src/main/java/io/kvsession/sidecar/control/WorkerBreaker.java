package io.kvsession.sidecar.control;

import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import io.kvsession.sidecar.config.SidecarConfig;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;

/**
 * One worker's circuit breaker, a SmallRye Fault Tolerance {@link Guard}. It is not given a name: named breakers are
 * registered for the life of the process, and workers come and go with discovery. Only worker faults count against
 * it; a refusal of one request does not. An open breaker fails calls at once with a 503 that says when it retries.
 */
final class WorkerBreaker {

    private final String instanceId;
    private final SidecarConfig.Breaker config;
    private volatile Guard guard;
    private volatile Circuit circuit = Circuit.CLOSED;

    WorkerBreaker(String instanceId, SidecarConfig.Breaker config) {
        this.instanceId = instanceId;
        this.config = config;
        this.guard = build();
    }

    <T> Uni<T> call(Supplier<Uni<T>> call, TypeLiteral<Uni<T>> type) {
        Guard current = guard;
        return Uni.createFrom().deferred(() -> current.get(call, type))
                .onFailure(CircuitBreakerOpenException.class).transform(open -> WorkerException.breakerOpen(
                        "the circuit breaker of worker " + instanceId + " is open after repeated failures; it lets "
                                + "a trial call through after " + config.delay().toMillis() + " ms").retryAfter(config.delay()));
    }

    Circuit circuit() {
        return circuit;
    }

    /** Starts over with a closed breaker, forgetting past failures. */
    void reset() {
        guard = build();
        circuit = Circuit.CLOSED;
    }

    private Guard build() {
        return Guard.create()
                .withDescription("worker " + instanceId)
                .withCircuitBreaker()
                .requestVolumeThreshold(config.requestVolume())
                .failureRatio(config.failureRatio())
                .delay(config.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(failure -> failure instanceof WorkerException worker && worker.workerFault())
                .onStateChange(state -> circuit = Circuit.valueOf(state.name()))
                .done()
                .build();
    }
}
