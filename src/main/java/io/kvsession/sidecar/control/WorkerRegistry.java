package io.kvsession.sidecar.control;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.config.Protocol;
import io.kvsession.sidecar.config.SidecarConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The workers the sidecar knows, by instance id, each with its state ({@link Worker}): static ones from
 * configuration, which never go away, and those each discovery source (DNS, etcd) found, which come and go with
 * it. A worker's state is created when it appears and retired when it goes. Every change is announced as
 * {@link InstancesChanged}, and a worker that comes back as {@link WorkerReturned}.
 */
@ApplicationScoped
public class WorkerRegistry {

    private final ConcurrentSkipListMap<String, Worker> workers = new ConcurrentSkipListMap<>();
    private final Map<String, Set<String>> discoveredBySource = new HashMap<>();
    private final Set<String> staticIds;
    private final Map<Protocol, WorkerProtocol> protocols;
    private final SidecarConfig.Rpc rpc;
    private final MeterRegistry meters;
    private final Event<InstancesChanged> changes;
    private final Event<WorkerReturned> returns;

    public WorkerRegistry(SidecarConfig config, SglangProtocol sglang, DynamoProtocol dynamo, MeterRegistry meters,
            Event<InstancesChanged> changes, Event<WorkerReturned> returns) {
        this.protocols = Map.of(Protocol.SGLANG, sglang, Protocol.DYNAMO, dynamo);
        this.rpc = config.rpc();
        this.meters = meters;
        this.changes = changes;
        this.returns = returns;
        config.workers().forEach((id, worker) -> workers.put(id, create(Instance.of(id, worker.url(),
                worker.protocol()))));
        this.staticIds = Set.copyOf(workers.keySet());
    }

    public Optional<Worker> find(String instanceId) {
        return Optional.ofNullable(workers.get(instanceId));
    }

    /** The worker, or 404 naming the ones known. */
    public Worker require(String instanceId) {
        Worker worker = workers.get(instanceId);
        if (worker == null) {
            throw new SidecarException(Failure.NOT_FOUND, "unknown instance_id '" + instanceId
                    + "'; known instances: " + workers.keySet().stream().limit(10).collect(Collectors.joining(", ")));
        }
        return worker;
    }

    /** 404 for an unknown instance, unless no instances exist at all (then any id is accepted, affinity only). */
    public void checkKnown(String instanceId) {
        if (!workers.isEmpty()) {
            require(instanceId);
        }
    }

    /** Whether the instance was known and has gone away (e.g. left discovery). */
    public boolean gone(String instanceId) {
        return !workers.isEmpty() && !workers.containsKey(instanceId);
    }

    /**
     * Why the instance cannot take requests now — {@code gone}, {@code unhealthy} or {@code circuit open} — or empty
     * when it can (or when no instances are known at all, and any id is accepted).
     */
    public Optional<String> unavailable(String instanceId) {
        if (workers.isEmpty()) {
            return Optional.empty();
        }
        Worker worker = workers.get(instanceId);
        return worker == null ? Optional.of("gone") : worker.view().unavailable();
    }

    /** All workers, ordered by id. */
    public Collection<Worker> all() {
        return List.copyOf(workers.values());
    }

    public boolean isEmpty() {
        return workers.isEmpty();
    }

    /**
     * Makes the instances discovered by {@code source} exactly {@code found}: new ones are added, the source's ones no
     * longer found, or found with another address or protocol, are removed; static instances and other sources'
     * are untouched. Synchronized so that two refreshes cannot interleave.
     */
    public synchronized InstancesChanged replaceDiscovered(String source, Collection<Instance> found) {
        Set<String> owned = discoveredBySource.computeIfAbsent(source, key -> new HashSet<>());
        Map<String, Instance> wanted = found.stream()
                .filter(instance -> !staticIds.contains(instance.id()) && ownedOrFree(source, instance.id()))
                .collect(Collectors.toMap(Instance::id, Function.identity(), (first, second) -> first));
        List<Worker> removed = new ArrayList<>();
        for (String id : List.copyOf(owned)) {
            Worker known = workers.get(id);
            if (!known.instance().equals(wanted.get(id))) {
                workers.remove(id);
                owned.remove(id);
                known.retire();
                removed.add(known);
            }
        }
        List<Worker> added = new ArrayList<>();
        for (Instance instance : wanted.values()) {
            if (!workers.containsKey(instance.id())) {
                Worker worker = create(instance);
                workers.put(instance.id(), worker);
                owned.add(instance.id());
                added.add(worker);
            }
        }
        InstancesChanged change = new InstancesChanged(List.copyOf(added), List.copyOf(removed));
        if (!added.isEmpty() || !removed.isEmpty()) {
            changes.fire(change);
        }
        return change;
    }

    /** Whether no other discovery source holds the id already: the first source to find an id keeps it. */
    private boolean ownedOrFree(String source, String instanceId) {
        return discoveredBySource.entrySet().stream()
                .noneMatch(entry -> !entry.getKey().equals(source) && entry.getValue().contains(instanceId));
    }

    private Worker create(Instance instance) {
        return new Worker(instance, protocols.get(instance.protocol()), rpc, meters, returns::fire);
    }
}
