package io.kvsession.sidecar.affinity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * Where bindings live: this process ({@link MemoryAffinityStore}) or a store shared by replicas. Every operation
 * returns a {@link Uni}, so a remote store fits the same seam. Each operation on one session is atomic; a binding
 * that expired leaves the store through exactly one operation, which reports it to the store's
 * {@link ExpiryListener} once.
 */
public interface AffinityStore {

    /** The live binding, without renewing it. */
    Uni<Optional<Binding>> peek(String sessionId);

    /** Renews the binding's TTL from now; empty when unbound or expired. */
    Uni<Optional<Binding>> touch(String sessionId);

    /**
     * Binds the session, replacing any binding with a new revision; a child names its bound parent (null: a rebind
     * keeps the session's parent). Fails with {@link BindRefusedException} when a limit refuses it.
     */
    Uni<Bound> bind(String sessionId, String instanceId, BindingKind kind, Duration ttl, String parentSessionId);

    /**
     * Request {@code contextId} is in flight on the session: its binding does not expire before the request
     * finishes or {@code guard} passes. Empty when the session is not bound.
     */
    Uni<Optional<Binding>> hold(String sessionId, String contextId, Duration guard);

    /** Request {@code contextId} finished: the sessions it held count their TTL from now; answers them. */
    Uni<List<String>> release(String contextId);

    /** Releases the holds of requests past their guard (never said to finish); answers those requests. */
    Uni<List<String>> releaseOverdue();

    /** The sessions whose parent this session is, ordered by id. */
    Uni<List<String>> children(String sessionId);

    /** Removes the session's binding, whatever its revision, and returns it. */
    Uni<Optional<Binding>> unbind(String sessionId);

    /** Removes the binding only if it is still that revision (compare and delete); tells whether it did. */
    Uni<Boolean> unbind(Binding binding);

    /** Whether a new session fits, after sweeping what has expired. */
    Uni<Boolean> hasRoom();

    /** Whether the instance can take one more session under the admission bound, after sweeping what expired. */
    Uni<Boolean> hasRoomOn(String instanceId);

    /** Removes every expired binding, reporting each; answers how many. */
    Uni<Integer> reap();

    /** Live bindings after {@code afterSessionId} (null: from the start), optionally of one instance. */
    Uni<BindingPage> page(String afterSessionId, int limit, String instanceId);

    /** Every binding of one instance, expired ones not swept yet included. */
    Uni<List<Binding>> bindingsOf(String instanceId);

    /** Live sessions per instance id (what expired is swept first). */
    Uni<Map<String, Integer>> countByInstance();

    /** Counts as last known, without waiting. */
    StoreCounts counts();

    /** Whether bindings outlive this process (a shared store) or die with it (memory). */
    boolean durable();

    /** Whether the store answered its last call; a memory store always does. */
    boolean reachable();

    /**
     * Claims the open of the session on a worker for {@code hold}, so that replicas sharing the store make one RPC;
     * not granted when another replica holds the claim. A store of one process always grants it (its caller's
     * flights already make opens single).
     */
    Uni<OpenClaim> claimOpen(String sessionId, String instanceId, Duration hold);

    /** Ends this replica's claim, telling waiting replicas how the open ended ({@code failure} null: it succeeded). */
    Uni<Void> releaseOpen(String sessionId, Throwable failure);

    /** Waits, up to {@code within}, for another replica's claim on the session to end, and says how. */
    Uni<OpenResult> awaitOpen(String sessionId, Duration within);
}
