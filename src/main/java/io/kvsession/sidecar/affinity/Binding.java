package io.kvsession.sidecar.affinity;

import java.time.Duration;
import java.time.Instant;

/**
 * One session pinned to one instance. Kept small — the table holds up to a million of them — so the TTL is a
 * number, not a {@link Duration} object of its own.
 *
 * @param timeoutMillis the sliding TTL
 * @param expiresAtMillis wall-clock deadline, pushed back by every touch and by the finish of the last request in
 *        flight
 * @param revision changes on every (re)bind, never on a touch, so that a stale expiry cannot remove a newer binding
 * @param reviewAtMillis when the reaper next looks at this binding, at or before {@code expiresAtMillis}: a touch
 *        pushes the deadline back without moving the binding in the deadline index
 * @param parentSessionId the session that spawned this one (a subagent's parent), null for a root
 * @param depth how many parents are above it: 0 for a root
 * @param inFlight routed requests of this session on its instance not finished yet; while any is, the binding does
 *        not expire
 */
public record Binding(String sessionId, String instanceId, BindingKind kind, long timeoutMillis, long expiresAtMillis,
        long revision, long reviewAtMillis, String parentSessionId, int depth, int inFlight) {

    public Duration timeout() {
        return Duration.ofMillis(timeoutMillis);
    }

    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMillis);
    }

    /** Lapsed: idle past its deadline with no request in flight. */
    public boolean expiredAt(long nowMillis) {
        return inFlight == 0 && expiresAtMillis <= nowMillis;
    }

    Binding renewedAt(long nowMillis) {
        return new Binding(sessionId, instanceId, kind, timeoutMillis, nowMillis + timeoutMillis, revision,
                reviewAtMillis, parentSessionId, depth, inFlight);
    }

    Binding reviewedAt(long reviewAt) {
        return new Binding(sessionId, instanceId, kind, timeoutMillis, expiresAtMillis, revision, reviewAt,
                parentSessionId, depth, inFlight);
    }

    /** One more request in flight. */
    Binding held() {
        return new Binding(sessionId, instanceId, kind, timeoutMillis, expiresAtMillis, revision, reviewAtMillis,
                parentSessionId, depth, inFlight + 1);
    }

    /** One request fewer in flight; the TTL counts from now once none is left. */
    Binding releasedAt(long nowMillis) {
        int left = Math.max(0, inFlight - 1);
        return new Binding(sessionId, instanceId, kind, timeoutMillis,
                left == 0 ? Math.max(expiresAtMillis, nowMillis + timeoutMillis) : expiresAtMillis, revision,
                reviewAtMillis, parentSessionId, depth, left);
    }
}
