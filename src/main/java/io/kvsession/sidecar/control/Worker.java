package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.util.TypeLiteral;

import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.WorkerMeters.Rpc;
import io.kvsession.sidecar.control.WorkerProtocol.CloseOutcome;
import io.kvsession.sidecar.control.WorkerProtocol.OpenOutcome;
import io.kvsession.sidecar.control.WorkerProtocol.OpenSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * One worker the sidecar knows, and everything the sidecar has learnt of it: its breaker, its last observed health
 * and its metric series. The {@link WorkerRegistry} creates it when the worker appears and retires it when it goes,
 * so this state never outlives the worker. Every RPC to the worker goes through here.
 */
public final class Worker implements SessionHost {

    private static final TypeLiteral<Uni<OpenOutcome>> OPEN = new TypeLiteral<>() {
    };
    private static final TypeLiteral<Uni<CloseOutcome>> CLOSE = new TypeLiteral<>() {
    };

    private final Instance instance;
    private final WorkerProtocol protocol;
    private final SidecarConfig.Rpc rpc;
    private final WorkerBreaker breaker;
    private final WorkerMeters meters;
    private volatile Boolean healthy;

    Worker(Instance instance, WorkerProtocol protocol, SidecarConfig.Rpc rpc, MeterRegistry registry) {
        this.instance = instance;
        this.protocol = protocol;
        this.rpc = rpc;
        this.breaker = new WorkerBreaker(instance.id(), rpc.breaker());
        this.meters = new WorkerMeters(instance.id(), registry, breaker);
    }

    public Instance instance() {
        return instance;
    }

    public String id() {
        return instance.id();
    }

    @Override
    public String instanceId() {
        return instance.id();
    }

    public Uni<OpenOutcome> open(OpenSpec spec) {
        return guarded(OPEN, () -> timed(Rpc.OPEN, protocol.open(instance, spec, rpc.openTimeout())));
    }

    @Override
    public Uni<CloseOutcome> close(String sessionId) {
        return guarded(CLOSE, () -> timed(Rpc.CLOSE, protocol.close(instance, sessionId, rpc.closeTimeout())));
    }

    /** Asks the worker whether it is healthy; never fails, answers false for anything but a healthy answer. */
    public Uni<Boolean> probe(Duration deadline) {
        return timed(Rpc.HEALTH, protocol.healthy(instance, deadline))
                .onFailure().recoverWithItem(false)
                .invoke(answer -> healthy = answer);
    }

    public WorkerView view() {
        return new WorkerView(instance, Optional.ofNullable(healthy), breaker.circuit());
    }

    /** Starts the breaker over (closed, no failures remembered). */
    public void resetCircuit() {
        breaker.reset();
    }

    /** The worker left discovery: its series leave the metrics; closes already scheduled may still use it. */
    void retire() {
        meters.retire();
    }

    private <T> Uni<T> guarded(TypeLiteral<Uni<T>> type, Supplier<Uni<T>> call) {
        return breaker.call(call, type)
                .onItem().invoke(outcome -> healthy = true)
                .onFailure(failure -> failure instanceof WorkerException worker && worker.workerFault())
                .invoke(failure -> healthy = false);
    }

    /** Times an RPC that reached for the worker; calls an open breaker refused are not RPCs and are not timed. */
    private <T> Uni<T> timed(Rpc action, Uni<T> call) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return call.onItemOrFailure().invoke((item, failure) -> meters.record(action, outcome(failure),
                    System.nanoTime() - started));
        });
    }

    private static String outcome(Throwable failure) {
        if (failure == null) {
            return "ok";
        }
        if (failure instanceof WorkerException worker) {
            return switch (worker.failure()) {
                case WORKER_REJECTED -> "rejected";
                case WORKER_TIMEOUT -> "timeout";
                default -> "unavailable";
            };
        }
        return "error";
    }
}
