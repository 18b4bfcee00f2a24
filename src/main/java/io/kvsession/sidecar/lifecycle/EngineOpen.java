package io.kvsession.sidecar.lifecycle;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.Worker;
import io.kvsession.sidecar.control.WorkerException;
import io.kvsession.sidecar.control.WorkerProtocol.OpenOutcome;
import io.kvsession.sidecar.control.WorkerProtocol.OpenSpec;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.lifecycle.AffinityWriter.Note;
import io.kvsession.sidecar.lifecycle.Intake.OpenOrder;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * An open that is not already bound: affinity-only where no worker offers sessions, otherwise the worker's KV
 * session opened (one RPC per session at a time) and then bound. Nothing stays bound when the worker refuses, times
 * out or is unreachable; where the worker may hold the session anyway, it is rolled back.
 */
@ApplicationScoped
public class EngineOpen {

    private final WorkerRegistry registry;
    private final OpenFlights flights;
    private final AffinityWriter writer;
    private final WorkerCloses closes;
    private final LifecycleRecorder recorder;
    private final SidecarConfig.Session defaults;

    public EngineOpen(WorkerRegistry registry, OpenFlights flights, AffinityWriter writer, WorkerCloses closes,
            LifecycleRecorder recorder, SidecarConfig config) {
        this.registry = registry;
        this.flights = flights;
        this.writer = writer;
        this.closes = closes;
        this.recorder = recorder;
        this.defaults = config.session();
    }

    /** Binds affinity only (SPEC §2.2): no worker, or not this one, offers sessions — {@code why} says which. */
    public Uni<Binding> degraded(OpenOrder order, long started, String why) {
        return writer.bind(order.sessionId(), order.instanceId(), BindingKind.ROUTER_ONLY, order.ttl(),
                order.parentSessionId(), new Note(Action.OPEN, Outcome.DEGRADED, order.contextId(), started, why));
    }

    /**
     * Opens on the worker, as the session's one flight, once the limits admit it; {@code current} is the session's
     * binding as the caller found it (a binding on another worker is replaced, and closed there).
     */
    public Uni<Binding> open(OpenOrder order, Optional<Binding> current, long started) {
        Worker worker = registry.require(order.instanceId());
        Note opened = new Note(Action.OPEN, Outcome.OK, order.contextId(), started, null);
        Uni<Void> room = writer.admit(order.sessionId(), worker.id(), current, order.parentSessionId(), opened);
        // Inside the flight, a flight that ended just before this one started has bound the session already.
        return room.flatMap(ignored -> flights.run(order.sessionId(), worker.id(),
                () -> writer.renewIfEngineBacked(order.sessionId(), worker.id(), Action.OPEN, order.contextId(),
                        started)
                        .flatMap(renewed -> renewed.isPresent() ? Uni.createFrom().item(renewed.get())
                                : openOnWorker(worker, order, opened))));
    }

    private Uni<Binding> openOnWorker(Worker worker, OpenOrder order, Note opened) {
        SessionOnWorker key = new SessionOnWorker(order.sessionId(), worker.id());
        OpenSpec spec = new OpenSpec(order.sessionId(), order.ttl().plus(defaults.workerTimeoutBuffer()).toSeconds(),
                order.capacity());
        boolean[] workerOpened = new boolean[1];
        return closes.supersede(key).flatMap(heldBefore -> worker.open(spec)
                .onFailure().invoke(failure -> recorder.record(new LifecycleEvent(Action.OPEN, Outcome.of(failure),
                        order.sessionId(), worker.id(), null, order.contextId(), opened.startedNanos(),
                        failure.getMessage())))
                .invoke(outcome -> workerOpened[0] = outcome != OpenOutcome.SESSIONS_DISABLED)
                .flatMap(outcome -> outcome == OpenOutcome.SESSIONS_DISABLED
                        ? degraded(order, opened.startedNanos(), "worker " + worker.id() + " has streaming sessions "
                                + "disabled; bound affinity-only")
                        : writer.bind(order.sessionId(), worker.id(), BindingKind.ENGINE_BACKED, order.ttl(),
                                order.parentSessionId(), outcome == OpenOutcome.ALREADY_OPEN
                                        ? new Note(Action.OPEN, Outcome.OK, order.contextId(), opened.startedNanos(),
                                                "the worker already held the session")
                                        : opened))
                .onFailure().invoke(failure -> rollBackIfHeld(failure, heldBefore || workerOpened[0], worker,
                        order)));
    }

    /**
     * The rollback decision. Nothing is bound after a failed open, but the worker may hold the session: from before
     * (a close of it was pending or held), because it opened it and the binding failed (a full table, a store that
     * cannot be reached), or from this very open delivered without a clean answer. Then it is closed.
     */
    private void rollBackIfHeld(Throwable failure, boolean held, Worker worker, OpenOrder order) {
        if (held || failure instanceof WorkerException rpc && rpc.maybeDelivered()) {
            closes.rollback(order.sessionId(), worker, order.ttl(), order.contextId());
        }
    }
}
