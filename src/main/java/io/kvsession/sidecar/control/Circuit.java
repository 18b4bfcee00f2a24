package io.kvsession.sidecar.control;

import java.util.Locale;

/** A worker's circuit breaker as operators see it. */
public enum Circuit {
    CLOSED,
    OPEN,
    HALF_OPEN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
