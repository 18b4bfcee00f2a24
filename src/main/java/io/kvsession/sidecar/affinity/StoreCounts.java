package io.kvsession.sidecar.affinity;

/**
 * What a store holds, as last known: read by gauges and readiness, which must not wait.
 *
 * @param bindings bindings held, expired ones not swept yet included
 * @param maxEntries the bound ({@code kvsession.affinity.max-entries})
 */
public record StoreCounts(int bindings, int engineBacked, int routerOnly, int maxEntries) {

    public int of(BindingKind kind) {
        return kind.engineBacked() ? engineBacked : routerOnly;
    }
}
