package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.enterprise.util.TypeLiteral;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.WorkerMeters.Rpc;
import io.kvsession.sidecar.control.WorkerProtocol.CloseOutcome;
import io.kvsession.sidecar.control.WorkerProtocol.OpenOutcome;
import io.kvsession.sidecar.control.WorkerProtocol.OpenSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * One worker the sidecar knows, and everything the sidecar has learnt of it: its breaker, its last observed health,
 * the sessions it offers and its metric series. The {@link WorkerRegistry} creates it when the worker appears and retires it when it goes,
 * so this state never outlives the worker. Every RPC to the worker goes through here.
 */
public final class Worker implements SessionHost {

    private static final Logger LOG = Logger.getLogger(Worker.class);

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
    private volatile Capability capability = Capability.UNKNOWN;
    /** When the capability was last read; 0 before the first read. */
    private volatile long capabilityReadAtNanos;
    private final AtomicReference<Uni<Capability>> reading = new AtomicReference<>();

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
        return guarded(OPEN, () -> timed(Rpc.OPEN, protocol.open(instance, spec, capability, rpc.openTimeout())))
                .invoke(outcome -> {
                    if (outcome == OpenOutcome.SESSIONS_DISABLED) {
                        learned(Capability.NONE);
                    }
                });
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

    /**
     * Reads which sessions the worker offers; callers arriving while a read is under way share it, and a caller that
     * goes away does not end it. A worker that does not answer keeps what was known. {@code nowNanos} stamps the
     * read.
     */
    public Uni<Capability> readCapability(Duration deadline, long nowNanos) {
        return Uni.createFrom().deferred(() -> {
            Uni<Capability> running = reading.get();
            if (running != null) {
                return running;
            }
            Uni<Capability> read = timed(Rpc.SERVER_INFO, protocol.capability(instance, deadline))
                    .invoke(found -> {
                        capabilityReadAtNanos = nowNanos;
                        learned(found);
                    })
                    .onFailure().recoverWithItem(failure -> capability)
                    .memoize().indefinitely();
            if (!reading.compareAndSet(null, read)) {
                return reading.get() == null ? Uni.createFrom().item(capability) : reading.get();
            }
            read.subscribe().with(found -> reading.set(null));
            return read;
        });
    }

    public Capability capability() {
        return capability;
    }

    /** When the capability was last read, or 0 before the first read. */
    public long capabilityReadAtNanos() {
        return capabilityReadAtNanos;
    }

    public WorkerView view() {
        return new WorkerView(instance, Optional.ofNullable(healthy), breaker.circuit(), capability);
    }

    /** Starts the breaker over (closed, no failures remembered). */
    public void resetCircuit() {
        breaker.reset();
    }

    /** The worker left discovery: its series leave the metrics; closes already scheduled may still use it. */
    void retire() {
        meters.retire();
    }

    /** What the worker turned out to offer; a worker that offers none is warned of once, when that is learnt. */
    private void learned(Capability now) {
        Capability before = capability;
        capability = now;
        if (now == Capability.NONE && before != Capability.NONE) {
            LOG.warnf("action=session_capability outcome=none worker_id=%s: this worker offers no KV sessions, so "
                    + "opens on it bind affinity only (router_only). Launch it with --enable-streaming-session "
                    + "(pinned sessions) or --enable-session-radix-cache (radix-cache sessions).", instance.id());
        } else if (now != before) {
            LOG.infof("action=session_capability outcome=%s worker_id=%s", now.wireName(), instance.id());
        }
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
