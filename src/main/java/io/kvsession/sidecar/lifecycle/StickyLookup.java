package io.kvsession.sidecar.lifecycle;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Where a routed request's session is bound, renewing it: a binding to an instance that has gone is dropped (and
 * ends as such) so that the router's pick takes over. A store that cannot be reached does not fail the route: the
 * router's pick serves it, non-sticky ({@code store_down}).
 */
@ApplicationScoped
public class StickyLookup {

    /** The live binding, if any, and how the lookup went: sticky_hit, sticky_miss, rebound or store_down. */
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
                })
                .onFailure(failure -> failure instanceof SidecarException known
                        && known.failure() == Failure.STORE_UNAVAILABLE)
                .recoverWithItem(new Sticky(Optional.empty(), Outcome.STORE_DOWN));
    }
}
