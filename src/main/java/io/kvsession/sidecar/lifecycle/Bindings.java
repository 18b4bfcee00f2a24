package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.affinity.TableFullException;
import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.control.InstanceRegistry;

/**
 * Binds sessions to instances the sidecar knows, within the table's bound: unknown instances are 404, a full table is
 * 429, and a worker session opened for a binding that does not fit is closed again.
 */
@ApplicationScoped
public class Bindings {

    private final AffinityTable table;
    private final InstanceRegistry registry;
    private final CloseScheduler closes;

    public Bindings(AffinityTable table, InstanceRegistry registry, CloseScheduler closes) {
        this.table = table;
        this.registry = registry;
        this.closes = closes;
    }

    public Optional<Instance> find(String instanceId) {
        return registry.find(instanceId);
    }

    /** Whether no instance is configured or discovered: then any instance id is accepted, affinity only. */
    public boolean noInstances() {
        return registry.isEmpty();
    }

    /** The instance, or 404 naming the ones known. */
    public Instance require(String instanceId) {
        return registry.find(instanceId).orElseThrow(() -> new SidecarException(Failure.NOT_FOUND,
                "unknown instance_id '" + instanceId + "'; known instances: " + registry.all().stream()
                        .limit(10).map(Instance::id).collect(Collectors.joining(", "))));
    }

    /** 404 for an unknown instance, unless no instances exist at all. */
    public void checkKnown(String instanceId) {
        if (!registry.isEmpty()) {
            require(instanceId);
        }
    }

    /** Whether the instance was known and has gone away (e.g. left DNS). */
    public boolean gone(String instanceId) {
        return !registry.isEmpty() && registry.find(instanceId).isEmpty();
    }

    /** 429 now, before any RPC, when a new session would not fit. */
    public void requireRoom() {
        if (table.size() >= table.maxEntries() && table.reap() == 0 && table.size() >= table.maxEntries()) {
            throw tableFull(new TableFullException(table.maxEntries()));
        }
    }

    public AffinityTable.Bound bindRouterOnly(String sessionId, String instanceId, Duration ttl) {
        try {
            return table.bind(sessionId, instanceId, BindingKind.ROUTER_ONLY, ttl);
        } catch (TableFullException full) {
            throw tableFull(full);
        }
    }

    /** Binds a session the worker has just opened; if it does not fit, the worker's session is closed again. */
    public Binding bindOpened(String sessionId, Instance instance, Duration ttl, String contextId) {
        try {
            return table.bind(sessionId, instance.id(), BindingKind.ENGINE_BACKED, ttl).binding();
        } catch (TableFullException full) {
            closes.rollback(sessionId, instance, ttl, contextId);
            throw tableFull(full);
        }
    }

    private static SidecarException tableFull(TableFullException full) {
        return new SidecarException(Failure.TABLE_FULL, full.getMessage());
    }
}
