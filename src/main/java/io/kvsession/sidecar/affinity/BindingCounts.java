package io.kvsession.sidecar.affinity;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bindings held, in all, per kind and per instance, kept in step with every change of the table. A session placed on
 * an instance takes its slot there in one atomic step, so the per-instance bound holds under any concurrency.
 */
final class BindingCounts {

    private final Map<BindingKind, AtomicInteger> byKind = new EnumMap<>(BindingKind.class);
    private final ConcurrentHashMap<String, Integer> byInstance = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    BindingCounts() {
        for (BindingKind kind : BindingKind.values()) {
            byKind.put(kind, new AtomicInteger());
        }
    }

    /**
     * One session changed from {@code old} to {@code fresh}, either of which may be null; a session new to its
     * instance must fit under {@code maxPerInstance}.
     *
     * @throws BindRefusedException when it does not, and then nothing was counted
     */
    void changed(Binding old, Binding fresh, int maxPerInstance) {
        boolean moved = fresh != null && (old == null || !old.instanceId().equals(fresh.instanceId()));
        if (moved) {
            place(fresh.instanceId(), maxPerInstance);
        }
        if (old != null && (fresh == null || moved)) {
            byInstance.computeIfPresent(old.instanceId(), (id, count) -> count <= 1 ? null : count - 1);
        }
        if (old != null) {
            byKind.get(old.kind()).decrementAndGet();
        }
        if (fresh != null) {
            byKind.get(fresh.kind()).incrementAndGet();
        }
        if (old == null && fresh != null) {
            size.incrementAndGet();
        } else if (old != null && fresh == null) {
            size.decrementAndGet();
        }
    }

    private void place(String instanceId, int maxPerInstance) {
        boolean[] refused = new boolean[1];
        byInstance.compute(instanceId, (id, count) -> {
            int held = count == null ? 0 : count;
            refused[0] = held >= maxPerInstance;
            return refused[0] ? count : held + 1;
        });
        if (refused[0]) {
            throw BindRefusedException.instanceFull(instanceId, maxPerInstance);
        }
    }

    int size() {
        return size.get();
    }

    int of(BindingKind kind) {
        return byKind.get(kind).get();
    }

    /** Sessions of one instance, expired ones not swept yet included. */
    int ofInstance(String instanceId) {
        return byInstance.getOrDefault(instanceId, 0);
    }

    Map<String, Integer> byInstance() {
        return new HashMap<>(byInstance);
    }
}
