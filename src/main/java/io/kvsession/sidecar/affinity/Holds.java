package io.kvsession.sidecar.affinity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests in flight that hold bindings (SPEC §9.2): per request, the sessions it was routed to and the instance
 * each was bound to then, until it finishes or its guard deadline passes. The table counts them on the bindings;
 * this remembers which request holds what, so that its finish releases exactly that.
 */
final class Holds {

    /** What one request holds. */
    private static final class Hold {
        private final long untilMillis;
        private final Map<String, String> sessions = new HashMap<>();
        private boolean released;

        Hold(long untilMillis) {
            this.untilMillis = untilMillis;
        }

        /** Null when this hold was released meanwhile (its request finished); else whether the session is new. */
        synchronized Boolean add(String sessionId, String instanceId) {
            return released ? null : sessions.putIfAbsent(sessionId, instanceId) == null;
        }

        synchronized Map<String, String> release() {
            released = true;
            return Map.copyOf(sessions);
        }
    }

    private final ConcurrentHashMap<String, Hold> byRequest = new ConcurrentHashMap<>();

    /**
     * The request holds the session on the instance; true the first time it does. The first hold of a request sets
     * its guard deadline. Called inside the binding's own update, so that the count and the hold change together.
     */
    boolean add(String contextId, String sessionId, String instanceId, long nowMillis, Duration guard) {
        while (true) {
            Hold hold = byRequest.computeIfAbsent(contextId, id -> new Hold(nowMillis + guard.toMillis()));
            Boolean added = hold.add(sessionId, instanceId);
            if (added != null) {
                return added;
            }
            byRequest.remove(contextId, hold);
        }
    }

    /** The request finished: what it held (session → instance), once. */
    Map<String, String> release(String contextId) {
        Hold hold = byRequest.remove(contextId);
        return hold == null ? Map.of() : hold.release();
    }

    /** Requests whose guard deadline has passed. */
    List<String> overdue(long nowMillis) {
        List<String> overdue = new ArrayList<>();
        byRequest.forEach((contextId, hold) -> {
            if (hold.untilMillis <= nowMillis) {
                overdue.add(contextId);
            }
        });
        return overdue;
    }
}
