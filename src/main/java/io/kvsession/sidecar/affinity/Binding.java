package io.kvsession.sidecar.affinity;

import java.time.Duration;
import java.time.Instant;

/**
 * One session pinned to one instance.
 *
 * @param revision changes on every (re)bind, never on a touch, so that a stale expiry cannot remove a newer binding
 * @param expiresAtMillis wall-clock deadline, pushed back by every touch
 */
public record Binding(String sessionId, String instanceId, BindingKind kind, Duration timeout, long expiresAtMillis,
        long revision) {

    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMillis);
    }

    boolean expiredAt(long nowMillis) {
        return expiresAtMillis <= nowMillis;
    }

    Binding renewedAt(long nowMillis) {
        return new Binding(sessionId, instanceId, kind, timeout, nowMillis + timeout.toMillis(), revision);
    }
}
