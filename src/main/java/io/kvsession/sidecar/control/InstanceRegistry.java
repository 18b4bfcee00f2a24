package io.kvsession.sidecar.control;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import io.kvsession.sidecar.config.SidecarConfig;

/**
 * The workers the sidecar knows, by instance id: static ones from configuration, which never go away, and those
 * DNS discovery found, which come and go with the records. Every change is announced as {@link InstancesChanged}.
 */
@ApplicationScoped
public class InstanceRegistry {

    private final ConcurrentSkipListMap<String, Instance> instances = new ConcurrentSkipListMap<>();
    private final Set<String> staticIds;
    private final Event<InstancesChanged> changes;

    public InstanceRegistry(SidecarConfig config, Event<InstancesChanged> changes) {
        this.changes = changes;
        config.workers().forEach((id, worker) -> instances.put(id, Instance.of(id, worker.url(), worker.protocol())));
        this.staticIds = Set.copyOf(instances.keySet());
    }

    public Optional<Instance> find(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId));
    }

    /** All instances, ordered by id. */
    public Collection<Instance> all() {
        return List.copyOf(instances.values());
    }

    public boolean isEmpty() {
        return instances.isEmpty();
    }

    /**
     * Makes the discovered instances exactly {@code found}: new ones are added, discovered ones no longer found are
     * removed; static instances are untouched. Synchronized so that two refreshes cannot interleave.
     */
    public synchronized InstancesChanged replaceDiscovered(Collection<Instance> found) {
        Map<String, Instance> wanted = found.stream().filter(instance -> !staticIds.contains(instance.id()))
                .collect(Collectors.toMap(Instance::id, Function.identity(), (first, second) -> first));
        List<Instance> removed = new ArrayList<>();
        for (Instance known : instances.values()) {
            if (!staticIds.contains(known.id()) && !known.equals(wanted.get(known.id()))) {
                instances.remove(known.id());
                removed.add(known);
            }
        }
        List<Instance> added = new ArrayList<>();
        for (Instance instance : wanted.values()) {
            if (instances.putIfAbsent(instance.id(), instance) == null) {
                added.add(instance);
            }
        }
        InstancesChanged change = new InstancesChanged(List.copyOf(added), List.copyOf(removed));
        if (!added.isEmpty() || !removed.isEmpty()) {
            changes.fire(change);
        }
        return change;
    }
}
