package io.kvsession.sidecar.lifecycle;

import java.util.Locale;

/** Why a worker session is being closed, for the log. */
public enum CloseReason {
    /** A client closed the session. */
    CLOSE,
    /** A client closed a session this sidecar had not bound, on the worker it named. */
    CLOSE_UNBOUND,
    /** The request the close waited for finished. */
    FINISH,
    /** The binding's TTL lapsed. */
    EXPIRY,
    /** The session was bound to another worker. */
    REBIND,
    /** The worker left discovery. */
    INSTANCE_GONE,
    /** The session's parent was closed or expired. */
    PARENT_ENDED,
    /** An open failed while the worker may hold the session. */
    ROLLBACK,
    /** The worker lost the session and an open to restore it failed, perhaps after the worker acted on it. */
    LOST,
    /** The request the close waited for never finished. */
    GUARD_TIMEOUT,
    /** The sidecar stops and forgets the binding (memory store). */
    SHUTDOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
