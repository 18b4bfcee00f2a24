package io.kvsession.sidecar.affinity;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Bindings held, in all and per kind, kept in step with every change of the table. */
final class BindingCounts {

    private final Map<BindingKind, AtomicInteger> byKind = new EnumMap<>(BindingKind.class);
    private final AtomicInteger size = new AtomicInteger();

    BindingCounts() {
        for (BindingKind kind : BindingKind.values()) {
            byKind.put(kind, new AtomicInteger());
        }
    }

    /** One session changed from {@code old} to {@code fresh}, either of which may be null. */
    void changed(Binding old, Binding fresh) {
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

    int size() {
        return size.get();
    }

    int of(BindingKind kind) {
        return byKind.get(kind).get();
    }
}
