package io.kvsession.sidecar.config;

import java.util.Locale;

import io.kvsession.sidecar.SidecarException;

/** What a route does when a session's bound worker is gone, unhealthy or its circuit is open (SPEC §9.3). */
public enum AffinityMode {
    /** The request fails with 503 naming the worker: the session's KV cache is never moved silently. */
    HARD,
    /** The request goes to the router's pick, and the session moves there (re-opened if engine-backed). */
    SOFT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A per-call value, {@code hard} or {@code soft} in any case; null stays null. */
    public static AffinityMode parse(String field, String value) {
        if (value == null) {
            return null;
        }
        for (AffinityMode mode : values()) {
            if (mode.wireName().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw SidecarException.invalid(field, "must be hard or soft, was '" + value + "'");
    }
}
