package io.kvsession.sidecar.affinity;

import java.util.Locale;

/** Whether a worker holds a KV session for the binding, or the binding is routing affinity only. */
public enum BindingKind {
    ENGINE_BACKED,
    ROUTER_ONLY;

    public boolean engineBacked() {
        return this == ENGINE_BACKED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
