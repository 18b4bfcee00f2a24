package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
 * One worker the sidecar knows, and everything the sidecar has learnt of it: its breaker, its last observed health,
 * what it offers ({@link WorkerOffer}) and its metric series. The {@link WorkerRegistry} creates it when the worker
 * appears and retires it when it goes, so this state never outlives the worker. Every RPC to the worker goes through
 * here.
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
    private final WorkerOffer offer;
    private final Consumer<WorkerReturned> returned;
    private final AtomicReference<Uni<Capability>> reading = new AtomicReference<>();
    private volatile Boolean healthy;
    /**
     * How many times the worker has answered. A call that fails after an answer that came in while it was under way
     * (a health probe that hung while the worker was stalled, ending after an open went through) is old news: it must
     * not mark a worker unhealthy that has answered since, or hard-affinity routes would refuse it until the next call.
     */
    private final AtomicLong answers = new AtomicLong();
    /** Refused connections or answered "not ready": it may be restarting, and come back without its sessions. */
    private volatile boolean down;

    /** @param returned told when the worker answers again after failing, or shows a new boot */
    Worker(Instance instance, WorkerProtocol protocol, SidecarConfig.Rpc rpc, MeterRegistry registry,
            Consumer<WorkerReturned> returned) {
        this.instance = instance;
        this.protocol = protocol;
        this.rpc = rpc;
        this.breaker = new WorkerBreaker(instance.id(), rpc.breaker());
        this.meters = new WorkerMeters(instance.id(), registry, breaker);
        this.offer = new WorkerOffer(instance.id());
        this.returned = returned;
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
        return guarded(OPEN, () -> timed(Rpc.OPEN, protocol.open(instance, spec, offer.capability(),
                rpc.openTimeout())))
                .invoke(outcome -> {
                    if (outcome == OpenOutcome.SESSIONS_DISABLED) {
                        offer.taught(Capability.NONE);
                    }
                });
    }

    @Override
    public Uni<CloseOutcome> close(String sessionId) {
        return guarded(CLOSE, () -> timed(Rpc.CLOSE, protocol.close(instance, sessionId, rpc.closeTimeout())));
    }

    /** Asks the worker whether it is healthy; never fails, answers false for anything but a healthy answer. */
    public Uni<Boolean> probe(Duration deadline) {
        return Uni.createFrom().deferred(() -> {
            long answersBefore = answers.get();
            return timed(Rpc.HEALTH, protocol.healthy(instance, deadline))
                    .invoke(answer -> {
                        if (answer) {
                            up("it answers its health check again");
                        } else {
                            unhealthy(answersBefore);
                            down = true;
                        }
                    })
                    .onFailure().invoke(failure -> faulted(failure, answersBefore))
                    .onFailure().recoverWithItem(false);
        });
    }

    /**
     * Reads what the worker offers; callers arriving while a read is under way share it, and a caller that goes away
     * does not end it. A worker that does not answer keeps what was known. {@code nowNanos} stamps the read.
     */
    public Uni<Capability> readCapability(Duration deadline, long nowNanos) {
        return Uni.createFrom().deferred(() -> {
            Uni<Capability> running = reading.get();
            if (running != null) {
                return running;
            }
            long answersBefore = answers.get();
            Uni<Capability> read = timed(Rpc.SERVER_INFO, protocol.serverInfo(instance, deadline))
                    .map(info -> {
                        if (offer.read(info, nowNanos)) {
                            down = true;
                            up("its server info shows a new boot");
                        } else {
                            up("it answers again after refusing connections");
                        }
                        return offer.capability();
                    })
                    .onFailure().invoke(failure -> faulted(failure, answersBefore))
                    .onFailure().recoverWithItem(failure -> offer.capability())
                    .memoize().indefinitely();
            if (!reading.compareAndSet(null, read)) {
                return reading.get() == null ? Uni.createFrom().item(offer.capability()) : reading.get();
            }
            read.subscribe().with(found -> reading.set(null));
            return read;
        });
    }

    public Capability capability() {
        return offer.capability();
    }

    /** When the capability was last read, or 0 before the first read. */
    public long capabilityReadAtNanos() {
        return offer.readAtNanos();
    }

    public WorkerView view() {
        return new WorkerView(instance, Optional.ofNullable(healthy), breaker.circuit(), offer.capability());
    }

    /** Starts the breaker over (closed, no failures remembered). */
    public void resetCircuit() {
        breaker.reset();
    }

    /** The worker left discovery: its series leave the metrics; closes already scheduled may still use it. */
    void retire() {
        meters.retire();
    }

    /** The worker answered; one that was down has returned (and may have lost its sessions). */
    private void up(String why) {
        answers.incrementAndGet();
        healthy = true;
        if (down) {
            down = false;
            offer.restarted();
            returned.accept(new WorkerReturned(this, why));
        }
    }

    /**
     * A call that began when the worker had answered {@code answersBefore} times failed: a worker fault makes it
     * unhealthy, a refused connection also down.
     */
    private void faulted(Throwable failure, long answersBefore) {
        if (failure instanceof WorkerException worker && worker.workerFault()) {
            unhealthy(answersBefore);
            down |= worker.refused();
        }
    }

    /** Unhealthy, unless the worker answered after the failed call began. */
    private void unhealthy(long answersBefore) {
        if (answers.get() == answersBefore) {
            healthy = false;
            // an answer that came in between the check and the write still wins
            if (answers.get() != answersBefore) {
                healthy = true;
            }
        }
    }

    private <T> Uni<T> guarded(TypeLiteral<Uni<T>> type, Supplier<Uni<T>> call) {
        return Uni.createFrom().deferred(() -> {
            long answersBefore = answers.get();
            return breaker.call(call, type)
                    .onItem().invoke(outcome -> up("it answers calls again after refusing connections"))
                    .onFailure().invoke(failure -> faulted(failure, answersBefore));
        });
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
