package io.kvsession.sidecar.config;

import java.util.Locale;

/** Where bindings live (SPEC §8). */
public enum StoreKind {
    /** In this process: fastest, forgotten on restart. */
    MEMORY,
    /** In Redis (or Valkey): shared by every replica, kept across restarts. */
    REDIS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
