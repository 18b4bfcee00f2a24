package io.kvsession.sidecar.lifecycle;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.Binding;
import io.smallrye.mutiny.Uni;

/**
 * Single flight of opens (SPEC §3.3): concurrent opens of one session share one worker RPC. A flight, once started,
 * runs to its end even if every caller goes away, so that the worker's session always ends up bound or closed.
 */
@ApplicationScoped
public class OpenFlights {

    private record Flight(String instanceId, Uni<Binding> result) {
    }

    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

    /** The open of the session on the wire, to wait for; empty when none runs. 409 when it opens elsewhere. */
    public Optional<Uni<Binding>> join(String sessionId, String instanceId) {
        Flight running = flights.get(sessionId);
        return running == null ? Optional.empty() : Optional.of(joined(running, sessionId, instanceId));
    }

    /** Runs {@code open} as the session's one flight, or joins the flight that got there first. */
    public Uni<Binding> run(String sessionId, String instanceId, Supplier<Uni<? extends Binding>> open) {
        Flight running = flights.get(sessionId);
        if (running != null) {
            return joined(running, sessionId, instanceId);
        }
        Flight mine = new Flight(instanceId, Uni.createFrom().deferred(open).memoize().indefinitely());
        Flight raced = flights.putIfAbsent(sessionId, mine);
        if (raced != null) {
            return joined(raced, sessionId, instanceId);
        }
        // Subscribed here, not by the caller: a caller that disconnects must not abandon a session on the worker.
        mine.result().subscribe().with(bound -> flights.remove(sessionId, mine),
                failure -> flights.remove(sessionId, mine));
        return mine.result();
    }

    /** Completes once any open of the session on the wire has settled, whatever its outcome. */
    public Uni<Void> settled(String sessionId) {
        Flight running = flights.get(sessionId);
        return running == null ? Uni.createFrom().voidItem()
                : running.result().onItemOrFailure().transform((binding, failure) -> null);
    }

    private static Uni<Binding> joined(Flight running, String sessionId, String instanceId) {
        if (!running.instanceId().equals(instanceId)) {
            return Uni.createFrom().failure(new SidecarException(Failure.CONFLICT, "session '" + sessionId
                    + "' is being opened on instance '" + running.instanceId() + "', not '" + instanceId + "'"));
        }
        return running.result();
    }
}
