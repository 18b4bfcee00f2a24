package io.kvsession.sidecar.lifecycle;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Where a routed request's session is bound, renewing it: a binding to an instance that has gone is dropped (and
 * ends as such) so that the router's pick takes over.
 */
@ApplicationScoped
public class StickyLookup {

    /** The live binding, if any, and how the lookup went: {@code sticky_hit}, {@code sticky_miss} or {@code rebound}. */
    public record Sticky(Optional<Binding> binding, Outcome outcome) {
    }

    private final AffinityStore store;
    private final WorkerRegistry registry;
    private final OpenFlights flights;
    private final SessionEndings ends;

    public StickyLookup(AffinityStore store, WorkerRegistry registry, OpenFlights flights, SessionEndings ends) {
        this.store = store;
        this.registry = registry;
        this.flights = flights;
        this.ends = ends;
    }

    public Uni<Sticky> lookup(String sessionId, String contextId) {
        return flights.settled(sessionId)
                .flatMap(ignored -> store.touch(sessionId))
                .flatMap(bound -> {
                    if (bound.isPresent() && registry.gone(bound.get().instanceId())) {
                        return ends.unbindIf(bound.get(), Ending.instanceGone(contextId))
                                .map(ignored -> new Sticky(Optional.empty(), Outcome.REBOUND));
                    }
                    return Uni.createFrom().item(new Sticky(bound, bound.isPresent() ? Outcome.STICKY_HIT
                            : Outcome.STICKY_MISS));
                });
    }
}
