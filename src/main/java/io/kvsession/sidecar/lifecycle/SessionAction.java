package io.kvsession.sidecar.lifecycle;

import java.util.Locale;

import io.kvsession.sidecar.SidecarException;

/** What a routed request asks of its session (the seed's per-request session control). */
public enum SessionAction {
    /** Open a KV session on the target before the request runs. */
    OPEN,
    /** Pin the session to the target, affinity only. */
    BIND,
    /** Unbind now and close the KV session once the request finishes. */
    CLOSE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code open|bind|close}; null or empty means no action. */
    public static SessionAction parse(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw SidecarException.invalid("session_control.action",
                    "must be one of open, bind, close or null, was '" + value + "'");
        }
    }
}
