package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.OpenResult;
import io.kvsession.sidecar.config.SidecarConfig;
import io.smallrye.mutiny.Uni;

/**
 * Single flight of opens (SPEC §3.3, §8.2): concurrent opens of one session share one worker RPC — in this process
 * through one flight per session, across replicas sharing a store through the store's claim: a replica that finds
 * another one's claim waits for its end, then sees its binding (or its failure). A flight, once started, runs to its
 * end even if every caller goes away, so that the worker's session always ends up bound or closed.
 */
@ApplicationScoped
public class OpenFlights {

    private record Flight(String instanceId, Uni<Binding> result) {
    }

    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    private final AffinityStore store;
    /** Longer than any open can take: a claim left by a replica that died lapses after it. */
    private final Duration hold;

    public OpenFlights(AffinityStore store, SidecarConfig config) {
        this.store = store;
        this.hold = config.rpc().openTimeout().multipliedBy(2).plusSeconds(1);
    }

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
        Flight mine = new Flight(instanceId, Uni.createFrom().<Binding> deferred(
                () -> acrossReplicas(sessionId, instanceId, open)).memoize().indefinitely());
        Flight raced = flights.putIfAbsent(sessionId, mine);
        if (raced != null) {
            return joined(raced, sessionId, instanceId);
        }
        // Subscribed here, not by the caller: a caller that disconnects must not abandon a session on the worker.
        mine.result().subscribe().with(bound -> flights.remove(sessionId, mine),
                failure -> flights.remove(sessionId, mine));
        return mine.result();
    }

    /**
     * Runs {@code open} under the store's claim, released with its outcome; or, when another replica holds the claim,
     * waits for it to end and then claims again — the open then finds that replica's binding and makes no RPC.
     */
    private Uni<Binding> acrossReplicas(String sessionId, String instanceId, Supplier<Uni<? extends Binding>> open) {
        return store.claimOpen(sessionId, instanceId, hold).flatMap(claim -> {
            if (claim.granted()) {
                // A release the store cannot take leaves the claim to lapse after its lease; it must not turn the
                // open's own outcome into another failure (a 500 for two store errors, or a failure for an open that
                // bound the session).
                return Uni.createFrom().<Binding> deferred(open)
                        .onItemOrFailure().call((bound, failure) -> store.releaseOpen(sessionId, failure)
                                .onFailure().recoverWithNull());
            }
            if (!claim.instanceId().equals(instanceId)) {
                return Uni.createFrom().failure(new SidecarException(Failure.CONFLICT, "session '" + sessionId
                        + "' is being opened on instance '" + claim.instanceId() + "' by another replica, not '"
                        + instanceId + "'"));
            }
            return store.awaitOpen(sessionId, hold).flatMap(result -> result.state() == OpenResult.State.FAILED
                    ? Uni.createFrom().failure(new SidecarException(result.failure(), result.message()))
                    : acrossReplicas(sessionId, instanceId, open));
        });
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
