package io.kvsession.sidecar.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.control.SessionHost;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.lifecycle.Intake.CloseOrder;
import io.kvsession.sidecar.lifecycle.Results.Closed;
import io.kvsession.sidecar.lifecycle.Results.EngineClose;
import io.kvsession.sidecar.lifecycle.Results.Finished;
import io.smallrye.mutiny.Uni;

/**
 * Close and finish. A close unbinds at once and never makes the caller wait for the worker: the worker's session is
 * closed in the background, or once the request named by {@code after_context_id} finishes (SPEC §2.5).
 */
@ApplicationScoped
public class SessionCloser {

    private final Intake intake;
    private final OpenFlights flights;
    private final AffinityStore store;
    private final WorkerRegistry registry;
    private final SessionEndings ends;
    private final WorkerCloses closes;

    public SessionCloser(Intake intake, OpenFlights flights, AffinityStore store, WorkerRegistry registry,
            SessionEndings ends, WorkerCloses closes) {
        this.intake = intake;
        this.flights = flights;
        this.store = store;
        this.registry = registry;
        this.ends = ends;
        this.closes = closes;
    }

    public Uni<Closed> close(Commands.Close command) {
        return Uni.createFrom().deferred(() -> {
            CloseOrder order = intake.close(command);
            Ending ending = Ending.closed(order.contextId(), order.afterContextId(), System.nanoTime());
            return flights.settled(order.sessionId())
                    .invoke(ignored -> closes.requireRoom(CloseReason.CLOSE))
                    .flatMap(ignored -> store.unbind(order.sessionId()))
                    .map(removed -> removed.isPresent() ? closedBound(removed.get(), ending)
                            : closedUnbound(order, ending));
        });
    }

    /** The request finished (success, error or cancel alike): its deferred closes start now. */
    public Uni<Finished> finish(String contextId) {
        return Uni.createFrom().deferred(() -> {
            String checked = intake.finish(contextId);
            return ends.requestFinished(checked).map(closing -> new Finished(checked, closing));
        });
    }

    private Closed closedBound(Binding binding, Ending ending) {
        return new Closed(binding.sessionId(), binding.instanceId(), ends.ended(binding, ending));
    }

    /** Not bound here (a restart lost it, or it expired): the named worker may still hold it. */
    private Closed closedUnbound(CloseOrder order, Ending ending) {
        SessionHost host = order.instanceId() == null || registry.isEmpty() ? null
                : registry.require(order.instanceId());
        if (host != null) {
            closes.requireRoom(CloseReason.CLOSE_UNBOUND);
        }
        EngineClose decision = ends.endUnbound(order.sessionId(), host, order.instanceId(), order.ttl(), ending);
        return new Closed(order.sessionId(), order.instanceId(), decision);
    }
}
