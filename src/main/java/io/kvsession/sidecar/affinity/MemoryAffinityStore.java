package io.kvsession.sidecar.affinity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/** The affinity store of one process: the {@link AffinityTable}, answered at once. */
public final class MemoryAffinityStore implements AffinityStore {

    private final AffinityTable table;

    public MemoryAffinityStore(AffinityTable table) {
        this.table = table;
    }

    @Override
    public Uni<Optional<Binding>> peek(String sessionId) {
        return Uni.createFrom().item(() -> table.peek(sessionId));
    }

    @Override
    public Uni<Optional<Binding>> touch(String sessionId) {
        return Uni.createFrom().item(() -> table.touch(sessionId));
    }

    @Override
    public Uni<Bound> bind(String sessionId, String instanceId, BindingKind kind, Duration ttl,
            String parentSessionId) {
        return Uni.createFrom().item(() -> table.bind(sessionId, instanceId, kind, ttl, parentSessionId));
    }

    @Override
    public Uni<Optional<Binding>> hold(String sessionId, String contextId, Duration guard) {
        return Uni.createFrom().item(() -> table.hold(sessionId, contextId, guard));
    }

    @Override
    public Uni<List<String>> release(String contextId) {
        return Uni.createFrom().item(() -> table.release(contextId));
    }

    @Override
    public Uni<List<String>> releaseOverdue() {
        return Uni.createFrom().item(table::releaseOverdue);
    }

    @Override
    public Uni<List<String>> children(String sessionId) {
        return Uni.createFrom().item(() -> table.children(sessionId));
    }

    @Override
    public Uni<Optional<Binding>> unbind(String sessionId) {
        return Uni.createFrom().item(() -> table.unbind(sessionId));
    }

    @Override
    public Uni<Boolean> unbind(Binding binding) {
        return Uni.createFrom().item(() -> table.unbind(binding.sessionId(), binding.revision()));
    }

    @Override
    public Uni<Boolean> hasRoom() {
        return Uni.createFrom().item(table::hasRoom);
    }

    @Override
    public Uni<Boolean> hasRoomOn(String instanceId) {
        return Uni.createFrom().item(() -> table.hasRoomOn(instanceId));
    }

    @Override
    public Uni<Integer> reap() {
        return Uni.createFrom().item(table::reap);
    }

    @Override
    public Uni<BindingPage> page(String afterSessionId, int limit, String instanceId) {
        return Uni.createFrom().item(() -> table.page(afterSessionId, limit, instanceId));
    }

    @Override
    public Uni<List<Binding>> bindingsOf(String instanceId) {
        return Uni.createFrom().item(() -> table.bindingsOf(instanceId));
    }

    @Override
    public Uni<Map<String, Integer>> countByInstance() {
        return Uni.createFrom().item(table::countByInstance);
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public boolean reachable() {
        return true;
    }

    @Override
    public Uni<OpenClaim> claimOpen(String sessionId, String instanceId, Duration hold) {
        return Uni.createFrom().item(new OpenClaim(true, instanceId));
    }

    @Override
    public Uni<Void> releaseOpen(String sessionId, Throwable failure) {
        return Uni.createFrom().voidItem();
    }

    /** Never asked: a claim in one process is always granted. */
    @Override
    public Uni<OpenResult> awaitOpen(String sessionId, Duration within) {
        return Uni.createFrom().item(new OpenResult(OpenResult.State.ABANDONED, null, null));
    }

    @Override
    public StoreCounts counts() {
        return new StoreCounts(table.size(), table.count(BindingKind.ENGINE_BACKED),
                table.count(BindingKind.ROUTER_ONLY), table.limits().maxEntries());
    }
}
