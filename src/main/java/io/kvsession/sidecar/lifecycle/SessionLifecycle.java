package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.control.SessionControl;
import io.kvsession.sidecar.control.WorkerCalls;
import io.kvsession.sidecar.control.WorkerException;
import io.kvsession.sidecar.control.WorkerProtocol.OpenOutcome;
import io.kvsession.sidecar.control.WorkerProtocol.OpenSpec;
import io.kvsession.sidecar.lifecycle.LifecycleJournal.Severity;
import io.kvsession.sidecar.lifecycle.Results.Closed;
import io.kvsession.sidecar.lifecycle.Results.EngineClose;
import io.smallrye.mutiny.Uni;

/**
 * Open, bind and close of one session — what happens on open is all here.
 * <p>
 * Open is synchronous and fail-fast: it answers only after the worker did, and leaves no binding behind when the
 * worker refuses, times out or is unreachable. Concurrent opens of one session share one RPC. An open, once sent,
 * finishes even if its caller goes away, so the worker's session always ends up bound (or closed). Closes never make
 * the caller wait for the worker.
 */
@ApplicationScoped
public class SessionLifecycle {

    /** An open on the wire: which instance, and its shared result. */
    private record Opening(String instanceId, Uni<Binding> result) {
    }

    private final ConcurrentHashMap<String, Opening> opening = new ConcurrentHashMap<>();
    private final AffinityTable table;
    private final SessionControl control;
    private final WorkerCalls calls;
    private final Bindings bindings;
    private final CloseScheduler closes;
    private final DeferredCloses deferred;
    private final SessionEvents events;
    private final LifecycleJournal journal;
    private final LifecycleGate gate;
    private final SidecarConfig.Session defaults;

    public SessionLifecycle(AffinityTable table, SessionControl control, WorkerCalls calls, Bindings bindings,
            CloseScheduler closes, DeferredCloses deferred, SessionEvents events, LifecycleJournal journal,
            LifecycleGate gate, SidecarConfig config) {
        this.table = table;
        this.control = control;
        this.calls = calls;
        this.bindings = bindings;
        this.closes = closes;
        this.deferred = deferred;
        this.events = events;
        this.journal = journal;
        this.gate = gate;
        this.defaults = config.session();
    }

    public Uni<Binding> open(Commands.Open command) {
        String sessionId = Inputs.requireId("session_id", command.sessionId());
        String instanceId = Inputs.requireId("instance_id", command.instanceId());
        Duration ttl = Inputs.timeout("timeout_secs", command.timeoutSecs(), defaults.defaultTimeout());
        int capacity = Inputs.capacity(command.capacityOfStrLen(), defaults.capacityOfStrLen());
        String contextId = Inputs.optionalId("context_id", command.contextId());
        gate.check();
        long started = System.nanoTime();
        return control.state().flatMap(state -> {
            boolean engine = state == SessionControl.State.AVAILABLE;
            Optional<Binding> current = table.peek(sessionId);
            if (current.isPresent()) {
                Binding bound = current.get();
                requireSameInstance(bound, instanceId);
                if (bound.kind().engineBacked() || !engine) {
                    return Uni.createFrom().item(renew(bound, "open", contextId, started));
                }
            }
            Opening running = opening.get(sessionId);
            if (running != null) {
                return join(running, sessionId, instanceId);
            }
            if (!engine) {
                bindings.checkKnown(instanceId);
                Binding bound = bindings.bindRouterOnly(sessionId, instanceId, ttl).binding();
                journal.record("open", "degraded", Severity.NORMAL, sessionId, instanceId, contextId, started,
                        "no worker offers session control; bound affinity-only");
                events.publish(SessionEvent.Type.OPENED, bound, contextId, "affinity only");
                return Uni.createFrom().item(bound);
            }
            Instance instance = bindings.require(instanceId);
            if (current.isEmpty()) {
                bindings.requireRoom();
            }
            return startOpen(instance, sessionId, ttl, capacity, contextId, started);
        });
    }

    public Uni<Binding> bind(Commands.Bind command) {
        String sessionId = Inputs.requireId("session_id", command.sessionId());
        String instanceId = Inputs.requireId("instance_id", command.instanceId());
        Duration ttl = Inputs.timeout("timeout_secs", command.timeoutSecs(), defaults.defaultTimeout());
        gate.check();
        long started = System.nanoTime();
        return afterOpening(sessionId).map(ignored -> {
            bindings.checkKnown(instanceId);
            Optional<Binding> current = table.peek(sessionId);
            if (current.isPresent() && current.get().kind().engineBacked()
                    && current.get().instanceId().equals(instanceId)) {
                return renew(current.get(), "bind", null, started);
            }
            AffinityTable.Bound bound = bindings.bindRouterOnly(sessionId, instanceId, ttl);
            bound.replaced().filter(old -> old.kind().engineBacked())
                    .ifPresent(old -> bindings.find(old.instanceId()).ifPresent(
                            worker -> closes.schedule(sessionId, worker, old.timeout(), null, "rebind")));
            journal.record("bind", "ok", Severity.NORMAL, sessionId, instanceId, null, started, null);
            events.publish(SessionEvent.Type.BOUND, bound.binding(), null, null);
            return bound.binding();
        });
    }

    public Uni<Closed> close(Commands.Close command) {
        String sessionId = Inputs.requireId("session_id", command.sessionId());
        String instanceId = Inputs.optionalId("instance_id", command.instanceId());
        String contextId = Inputs.optionalId("context_id", command.contextId());
        String afterContextId = Inputs.optionalId("after_context_id", command.afterContextId());
        gate.check();
        long started = System.nanoTime();
        return afterOpening(sessionId).map(ignored -> {
            Optional<Binding> removed = table.unbind(sessionId);
            if (removed.isPresent()) {
                Binding binding = removed.get();
                events.publish(SessionEvent.Type.CLOSED, binding, contextId, null);
                Optional<Instance> worker = binding.kind().engineBacked() ? bindings.find(binding.instanceId())
                        : Optional.empty();
                return closed(sessionId, binding.instanceId(), worker, binding.timeout(), contextId, afterContextId,
                        started);
            }
            if (instanceId == null) {
                return closed(sessionId, null, Optional.empty(), null, contextId, afterContextId, started);
            }
            // Not bound here (a restart lost it, or it expired): close on the named worker, it may still hold it.
            Optional<Instance> worker = bindings.noInstances() ? Optional.empty()
                    : Optional.of(bindings.require(instanceId));
            return closed(sessionId, instanceId, worker, defaults.defaultTimeout(), contextId, afterContextId, started);
        });
    }

    /** Completes once any open of the session on the wire has settled, whatever its outcome. */
    Uni<Void> afterOpening(String sessionId) {
        Opening running = opening.get(sessionId);
        return running == null ? Uni.createFrom().voidItem()
                : running.result().onItemOrFailure().transform((binding, failure) -> null);
    }

    private Closed closed(String sessionId, String instanceId, Optional<Instance> worker, Duration ttl,
            String contextId, String afterContextId, long started) {
        EngineClose engineClose = EngineClose.NONE;
        if (worker.isPresent()) {
            if (afterContextId != null) {
                deferred.defer(afterContextId, sessionId, worker.get(), ttl);
                engineClose = EngineClose.DEFERRED;
            } else {
                closes.schedule(sessionId, worker.get(), ttl, contextId, "close");
                engineClose = EngineClose.SCHEDULED;
            }
        }
        journal.record("unbind", engineClose.name().toLowerCase(), Severity.NORMAL, sessionId, instanceId,
                contextId, started, afterContextId == null ? null : "after request " + afterContextId);
        return new Closed(sessionId, instanceId, engineClose);
    }

    private Binding renew(Binding bound, String action, String contextId, long started) {
        Binding renewed = table.touch(bound.sessionId()).orElse(bound);
        journal.record(action, "already_bound", Severity.NORMAL, bound.sessionId(), bound.instanceId(), contextId,
                started, null);
        events.publish(SessionEvent.Type.RENEWED, renewed, contextId, null);
        return renewed;
    }

    private Uni<Binding> startOpen(Instance instance, String sessionId, Duration ttl, int capacity,
            String contextId, long started) {
        Uni<Binding> rpc = Uni.createFrom()
                .deferred(() -> openOnWorker(instance, sessionId, ttl, capacity, contextId, started))
                .memoize().indefinitely();
        Opening mine = new Opening(instance.id(), rpc);
        Opening raced = opening.putIfAbsent(sessionId, mine);
        if (raced != null) {
            return join(raced, sessionId, instance.id());
        }
        Optional<Binding> meanwhile = table.peek(sessionId);
        if (meanwhile.isPresent() && meanwhile.get().kind().engineBacked()) {
            opening.remove(sessionId, mine);
            requireSameInstance(meanwhile.get(), instance.id());
            return Uni.createFrom().item(renew(meanwhile.get(), "open", contextId, started));
        }
        // Subscribed here, not by the caller: a caller that disconnects must not abandon a session on the worker.
        rpc.subscribe().with(bound -> opening.remove(sessionId, mine), failure -> opening.remove(sessionId, mine));
        return rpc;
    }

    private Uni<Binding> openOnWorker(Instance instance, String sessionId, Duration ttl, int capacity,
            String contextId, long started) {
        boolean heldBefore = deferred.cancel(sessionId, instance.id());
        OpenSpec spec = new OpenSpec(sessionId, ttl.plus(defaults.workerTimeoutBuffer()).toSeconds(), capacity);
        return closes.supersede(sessionId, instance.id())
                .flatMap(closePending -> calls.open(instance, spec)
                        .onFailure().invoke(failure -> {
                            // The worker may hold the session — from before, when a close was pending, or from
                            // this very open, delivered without an answer. Nothing is bound: close it.
                            if (heldBefore || closePending
                                    || failure instanceof WorkerException worker && worker.maybeDelivered()) {
                                closes.rollback(sessionId, instance, ttl, contextId);
                            }
                        }))
                .map(outcome -> {
                    Binding bound = bindings.bindOpened(sessionId, instance, ttl, contextId);
                    journal.record("open", "ok", Severity.NORMAL, sessionId, instance.id(), contextId, started,
                            outcome == OpenOutcome.ALREADY_OPEN ? "the worker already held the session" : null);
                    events.publish(SessionEvent.Type.OPENED, bound, contextId, null);
                    return bound;
                })
                .onFailure().invoke(failure -> {
                    Failure reason = failure instanceof SidecarException known ? known.failure() : null;
                    journal.record("open", outcomeOf(reason), Severity.FAILED, sessionId, instance.id(), contextId,
                            started, failure.getMessage());
                });
    }

    private Uni<Binding> join(Opening running, String sessionId, String instanceId) {
        if (!running.instanceId().equals(instanceId)) {
            return Uni.createFrom().failure(new SidecarException(Failure.CONFLICT, "session '" + sessionId
                    + "' is being opened on instance '" + running.instanceId() + "', not '" + instanceId + "'"));
        }
        return running.result();
    }

    private static void requireSameInstance(Binding bound, String instanceId) {
        if (!bound.instanceId().equals(instanceId)) {
            throw new SidecarException(Failure.CONFLICT, "session '" + bound.sessionId() + "' is bound to instance '"
                    + bound.instanceId() + "', not '" + instanceId + "'; close it before opening it elsewhere");
        }
    }

    private static String outcomeOf(Failure failure) {
        if (failure == null) {
            return "error";
        }
        return switch (failure) {
            case WORKER_REJECTED -> "rejected";
            case WORKER_TIMEOUT -> "timeout";
            case WORKER_UNAVAILABLE -> "unavailable";
            case TABLE_FULL -> "table_full";
            default -> failure.name().toLowerCase();
        };
    }
}
