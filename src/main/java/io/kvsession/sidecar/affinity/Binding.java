package io.kvsession.sidecar.affinity;

import java.time.Duration;
import java.time.Instant;

/**
 * One session pinned to one instance. Kept small — the table holds up to a million of them — so the TTL is a
 * number, not a {@link Duration} object of its own.
 *
 * @param timeoutMillis the sliding TTL
 * @param expiresAtMillis wall-clock deadline, pushed back by every touch
 * @param revision changes on every (re)bind, never on a touch, so that a stale expiry cannot remove a newer binding
 * @param reviewAtMillis when the reaper next looks at this binding, at or before {@code expiresAtMillis}: a touch
 *        pushes the deadline back without moving the binding in the deadline index
 */
public record Binding(String sessionId, String instanceId, BindingKind kind, long timeoutMillis, long expiresAtMillis,
        long revision, long reviewAtMillis) {

    public Duration timeout() {
        return Duration.ofMillis(timeoutMillis);
    }

    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMillis);
    }

    boolean expiredAt(long nowMillis) {
        return expiresAtMillis <= nowMillis;
    }

    Binding renewedAt(long nowMillis) {
        return new Binding(sessionId, instanceId, kind, timeoutMillis, nowMillis + timeoutMillis, revision,
                reviewAtMillis);
    }

    Binding reviewedAt(long reviewAt) {
        return new Binding(sessionId, instanceId, kind, timeoutMillis, expiresAtMillis, revision, reviewAt);
    }
}
