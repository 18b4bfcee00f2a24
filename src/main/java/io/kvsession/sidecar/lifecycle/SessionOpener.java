package io.kvsession.sidecar.lifecycle;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.control.SessionControl;
import io.kvsession.sidecar.lifecycle.Intake.OpenOrder;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
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

    public SessionOpener(Intake intake, SessionControl control, AffinityStore store, OpenFlights flights,
            AffinityWriter writer, EngineOpen engine) {
        this.intake = intake;
        this.control = control;
        this.store = store;
        this.flights = flights;
        this.writer = writer;
        this.engine = engine;
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
                : engine.open(order, current.isEmpty(), started);
    }

    private static void requireSameInstance(Binding bound, String instanceId) {
        if (!bound.instanceId().equals(instanceId)) {
            throw new SidecarException(Failure.CONFLICT, "session '" + bound.sessionId() + "' is bound to instance '"
                    + bound.instanceId() + "', not '" + instanceId + "'; close it before opening it elsewhere");
        }
    }
}
