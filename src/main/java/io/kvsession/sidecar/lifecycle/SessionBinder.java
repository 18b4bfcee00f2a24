package io.kvsession.sidecar.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.lifecycle.AffinityWriter.Note;
import io.kvsession.sidecar.lifecycle.Intake.BindOrder;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Bind (SPEC §2.7): routing affinity only, overwriting a previous binding of the session; an engine session on
 * another worker is closed. Binding to the worker that already holds the session's engine session only renews it.
 */
@ApplicationScoped
public class SessionBinder {

    private final Intake intake;
    private final OpenFlights flights;
    private final WorkerRegistry registry;
    private final AffinityStore store;
    private final AffinityWriter writer;

    public SessionBinder(Intake intake, OpenFlights flights, WorkerRegistry registry, AffinityStore store,
            AffinityWriter writer) {
        this.intake = intake;
        this.flights = flights;
        this.registry = registry;
        this.store = store;
        this.writer = writer;
    }

    public Uni<Binding> bind(Commands.Bind command) {
        return Uni.createFrom().deferred(() -> {
            BindOrder order = intake.bind(command);
            long started = System.nanoTime();
            return flights.settled(order.sessionId())
                    .invoke(ignored -> registry.checkKnown(order.instanceId()))
                    .flatMap(ignored -> store.peek(order.sessionId()))
                    .flatMap(current -> {
                        if (current.isPresent() && current.get().kind().engineBacked()
                                && current.get().instanceId().equals(order.instanceId())) {
                            return writer.renew(current.get(), Action.BIND, null, started);
                        }
                        return writer.bind(order.sessionId(), order.instanceId(), BindingKind.ROUTER_ONLY,
                                order.ttl(), order.parentSessionId(), new Note(Action.BIND, Outcome.OK, null, started,
                                        null));
                    });
        });
    }
}
