package io.kvsession.sidecar.lifecycle;

import java.time.Instant;

import io.kvsession.sidecar.affinity.BindingKind;

/**
 * Something that happened to a session, as watchers see it.
 *
 * @param kind the binding's kind, null where no binding is involved (a close of an unbound session)
 * @param contextId the request that caused it, null when none
 * @param detail why, for failures and expiries; empty otherwise
 */
public record SessionEvent(Type type, String sessionId, String instanceId, BindingKind kind, String contextId,
        Instant at, String detail) {

    public enum Type {
        OPENED,
        BOUND,
        RENEWED,
        CLOSED,
        EXPIRED,
        CLOSE_FAILED
    }
}
