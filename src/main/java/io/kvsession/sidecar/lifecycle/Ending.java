package io.kvsession.sidecar.lifecycle;

/**
 * Why and how a binding ends.
 *
 * @param contextId the request that caused it, null when none
 * @param afterContextId hold the worker close until that request finishes; null to close now
 * @param startedNanos when the call that ends it began, 0 when no call did
 * @param parentSessionId the parent whose ending took this session along, null otherwise
 */
public record Ending(Reason reason, String contextId, String afterContextId, long startedNanos,
        String parentSessionId) {

    public enum Reason {
        /** A client closed the session. */
        CLOSED,
        /** The session was bound to another worker. */
        REPLACED,
        /** Its TTL lapsed. */
        EXPIRED,
        /** Its worker left discovery. */
        INSTANCE_GONE,
        /** The sidecar stops, and its store forgets bindings. */
        SHUTDOWN,
        /** Its parent session was closed or expired. */
        PARENT_ENDED,
        /** Its worker lost the session (a restart) and did not take it back. */
        LOST
    }

    /** Context id of expiry closes (SPEC §2.6). */
    public static final String REAPER_CONTEXT = "session-affinity-reaper";

    public static Ending closed(String contextId, String afterContextId, long startedNanos) {
        return new Ending(Reason.CLOSED, contextId, afterContextId, startedNanos, null);
    }

    public static Ending replaced(String contextId) {
        return new Ending(Reason.REPLACED, contextId, null, 0, null);
    }

    public static Ending expired() {
        return new Ending(Reason.EXPIRED, REAPER_CONTEXT, null, 0, null);
    }

    public static Ending shutdown() {
        return new Ending(Reason.SHUTDOWN, null, null, 0, null);
    }

    /** A child of a session that ended so: its worker close is held for the same request as the parent's. */
    public static Ending parentEnded(String parentSessionId, Ending parent) {
        return new Ending(Reason.PARENT_ENDED, parent.contextId(), parent.afterContextId(), 0, parentSessionId);
    }

    public static Ending lost() {
        return new Ending(Reason.LOST, null, null, 0, null);
    }

    public static Ending instanceGone(String contextId) {
        return new Ending(Reason.INSTANCE_GONE, contextId, null, 0, null);
    }
}
