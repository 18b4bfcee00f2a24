package io.kvsession.sidecar.affinity;

/**
 * The bounds a store enforces on every bind.
 *
 * @param maxEntries bindings in all ({@code kvsession.affinity.max-entries})
 * @param maxPerInstance sessions per instance ({@code kvsession.admission.max-sessions-per-instance})
 * @param maxDepth how deep sessions nest below their root ({@code kvsession.agents.max-depth})
 * @param maxChildren children per parent ({@code kvsession.agents.max-children})
 */
public record Limits(int maxEntries, int maxPerInstance, int maxDepth, int maxChildren) {

    public static final int UNLIMITED = Integer.MAX_VALUE;

    public Limits {
        if (maxEntries < 1 || maxPerInstance < 1 || maxDepth < 1 || maxChildren < 1) {
            throw new IllegalArgumentException("every limit must be at least 1: " + maxEntries + ", "
                    + maxPerInstance + ", " + maxDepth + ", " + maxChildren);
        }
    }

    /** Only the table's size is bounded. */
    public static Limits entries(int maxEntries) {
        return new Limits(maxEntries, UNLIMITED, UNLIMITED, UNLIMITED);
    }

    public boolean admissionBounded() {
        return maxPerInstance != UNLIMITED;
    }
}
