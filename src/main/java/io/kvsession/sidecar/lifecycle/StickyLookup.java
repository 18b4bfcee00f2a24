package io.kvsession.sidecar.lifecycle;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.config.AffinityMode;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Where a routed request's session is bound, renewing it, and whether that worker can serve it. Under the seed's rule
 * (no affinity mode) a binding to an instance that has gone is dropped (and ends as such) so that the router's pick
 * takes over; under hard or soft affinity a bound worker that is gone, unhealthy or whose circuit is open is reported
 * for the router to refuse or move the session. A store that cannot be reached does not fail the route: the router's
 * pick serves it, non-sticky ({@code store_down}).
 */
@ApplicationScoped
public class StickyLookup {

    /**
     * The live binding, if any, and how the lookup went: sticky_hit, sticky_miss, rebound or store_down.
     *
     * @param unavailable why the bound worker cannot serve (hard or soft affinity only), empty when it can
     */
    public record Sticky(Optional<Binding> binding, Outcome outcome, Optional<String> unavailable) {

        static Sticky of(Optional<Binding> binding, Outcome outcome) {
            return new Sticky(binding, outcome, Optional.empty());
        }
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

    public Uni<Sticky> lookup(String sessionId, String contextId, AffinityMode mode) {
        return flights.settled(sessionId)
                .flatMap(ignored -> store.touch(sessionId))
                .flatMap(bound -> {
                    if (bound.isEmpty()) {
                        return Uni.createFrom().item(Sticky.of(bound, Outcome.STICKY_MISS));
                    }
                    Optional<String> unavailable = registry.unavailable(bound.get().instanceId());
                    if (mode == null && unavailable.filter("gone"::equals).isPresent()) {
                        return ends.unbindIf(bound.get(), Ending.instanceGone(contextId))
                                .map(ignored -> Sticky.of(Optional.empty(), Outcome.REBOUND));
                    }
                    return Uni.createFrom().item(new Sticky(bound, Outcome.STICKY_HIT,
                            mode == null ? Optional.empty() : unavailable));
                })
                .onFailure(failure -> failure instanceof SidecarException known
                        && known.failure() == Failure.STORE_UNAVAILABLE)
                .recoverWithItem(Sticky.of(Optional.empty(), Outcome.STORE_DOWN));
    }
}
