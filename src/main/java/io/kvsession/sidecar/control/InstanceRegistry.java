package io.kvsession.sidecar.control;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.config.SidecarConfig;

/** The workers the sidecar knows, by instance id: static ones from configuration. */
@ApplicationScoped
public class InstanceRegistry {

    private final ConcurrentSkipListMap<String, Instance> instances = new ConcurrentSkipListMap<>();

    public InstanceRegistry(SidecarConfig config) {
        config.workers().forEach((id, worker) -> instances.put(id, Instance.of(id, worker.url(), worker.protocol())));
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
}
