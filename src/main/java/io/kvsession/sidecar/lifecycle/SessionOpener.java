package io.kvsession.sidecar.lifecycle;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.SessionControl;
import io.kvsession.sidecar.lifecycle.AffinityWriter.Note;
import io.kvsession.sidecar.lifecycle.Intake.OpenOrder;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Open — what happens on open starts here. Open is synchronous and fail-fast: it answers only after the worker did
 * (SPEC §2.3). A session already bound to the same instance is renewed without an RPC; bound elsewhere is 409. An
 * open of a session already being opened joins that open. Where no worker, or not this one, offers sessions, the
 * session is bound affinity-only. The rest is {@link EngineOpen}.
 */
@ApplicationScoped
public class SessionOpener {

    private final Intake intake;
    private final SessionControl control;
    private final AffinityStore store;
    private final OpenFlights flights;
    private final AffinityWriter writer;
    private final EngineOpen engine;
    private final int capacity;

    public SessionOpener(Intake intake, SessionControl control, AffinityStore store, OpenFlights flights,
            AffinityWriter writer, EngineOpen engine, SidecarConfig config) {
        this.intake = intake;
        this.control = control;
        this.store = store;
        this.flights = flights;
        this.writer = writer;
        this.engine = engine;
        this.capacity = config.session().capacityOfStrLen();
    }

    public Uni<Binding> open(Commands.Open command) {
        return Uni.createFrom().deferred(() -> {
            OpenOrder order = intake.open(command);
            long started = System.nanoTime();
            return control.state().flatMap(state -> store.peek(order.sessionId()).flatMap(current -> {
                current.ifPresent(bound -> requireSameInstance(bound, order.instanceId()));
                if (current.isPresent() && current.get().kind().engineBacked()) {
                    return writer.renew(current.get(), Action.OPEN, order.contextId(), started);
                }
                return control.noSessions(state, order.instanceId())
                        .flatMap(affinityOnly -> decide(order, current, affinityOnly, started));
            }));
        });
    }

    /** The session is unbound or bound affinity-only to this instance. */
    private Uni<Binding> decide(OpenOrder order, Optional<Binding> current, Optional<String> affinityOnly,
            long started) {
        if (current.isPresent() && affinityOnly.isPresent()) {
            return writer.renew(current.get(), Action.OPEN, order.contextId(), started);
        }
        Optional<Uni<Binding>> running = flights.join(order.sessionId(), order.instanceId());
        if (running.isPresent()) {
            return running.get();
        }
        return affinityOnly.isPresent() ? engine.degraded(order, started, affinityOnly.get())
                : engine.open(order, current, started);
    }

    /**
     * Soft affinity (SPEC §9.3): the session leaves a worker that cannot serve it for {@code target}, re-opened there
     * where it was engine-backed and the target offers sessions. The new binding replaces the old one, which closes
     * the session on the old worker.
     */
    public Uni<Binding> move(Binding from, String target, String contextId, long started) {
        OpenOrder order = new OpenOrder(from.sessionId(), target, from.timeout(), capacity, contextId, null);
        if (!from.kind().engineBacked()) {
            return writer.bind(from.sessionId(), target, BindingKind.ROUTER_ONLY, from.timeout(), null,
                    moved(contextId, started));
        }
        return control.state().flatMap(state -> control.noSessions(state, target)).flatMap(affinityOnly -> {
            Optional<Uni<Binding>> running = flights.join(from.sessionId(), target);
            if (running.isPresent()) {
                return running.get();
            }
            return affinityOnly.isPresent() ? engine.degraded(order, started, affinityOnly.get())
                    : engine.open(order, Optional.of(from), started);
        });
    }

    private static Note moved(String contextId, long started) {
        return new Note(Action.BIND, Outcome.MOVED, contextId, started, "soft affinity: the bound worker cannot "
                + "serve");
    }

    private static void requireSameInstance(Binding bound, String instanceId) {
        if (!bound.instanceId().equals(instanceId)) {
            throw new SidecarException(Failure.CONFLICT, "session '" + bound.sessionId() + "' is bound to instance '"
                    + bound.instanceId() + "', not '" + instanceId + "'; close it before opening it elsewhere");
        }
    }
}
