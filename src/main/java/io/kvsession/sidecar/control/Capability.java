package io.kvsession.sidecar.control;

import java.util.Locale;

/** What KV sessions a worker offers (SPEC §6), as its server info says or its answers showed. */
public enum Capability {
    /** Pinned streaming sessions ({@code --enable-streaming-session}). */
    STREAMING,
    /** Radix-cache sessions ({@code --enable-session-radix-cache}): references in the cache, no pinned slot. */
    RADIX,
    /** No sessions: opens on it bind affinity only. */
    NONE,
    /** Not known (yet): an open is tried, and its answer tells. */
    UNKNOWN;

    public boolean offersSessions() {
        return this != NONE;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
