package io.kvsession.sidecar.lifecycle;

import java.util.Locale;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;

/**
 * Something the lifecycle did or saw, recorded once through {@link LifecycleRecorder}: it becomes one log line, one
 * count of {@code kvsession_lifecycle_calls_total{operation,outcome}} and, where watchers care, one watch event.
 *
 * @param kind the binding's kind, null where no binding is involved
 * @param contextId the request that caused it, null when none
 * @param startedNanos {@link System#nanoTime()} when the call began, 0 when latency does not apply
 * @param detail extra words, null when none
 */
public record LifecycleEvent(Action action, Outcome outcome, String sessionId, String instanceId, BindingKind kind,
        String contextId, long startedNanos, String detail) {

    /** What happened, the {@code operation} label. */
    public enum Action {
        OPEN,
        BIND,
        RENEW,
        UNBIND,
        EXPIRED,
        CLOSE,
        ROUTE,
        FINISH,
        /** A session re-opened on a worker that came back. */
        RECONCILE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How loud an outcome is in the log. */
    public enum Severity {
        NORMAL,
        FAILED,
        LOST
    }

    /** How it ended, the {@code outcome} label. */
    public enum Outcome {
        OK(Severity.NORMAL),
        ALREADY_BOUND(Severity.NORMAL),
        DEGRADED(Severity.NORMAL),
        REJECTED(Severity.FAILED),
        TIMEOUT(Severity.FAILED),
        UNAVAILABLE(Severity.FAILED),
        TABLE_FULL(Severity.FAILED),
        /** The worker holds its maximum of sessions. */
        INSTANCE_FULL(Severity.FAILED),
        /** A bound on subagent trees refused it. */
        TREE_LIMIT(Severity.FAILED),
        ERROR(Severity.FAILED),
        SCHEDULED(Severity.NORMAL),
        DEFERRED(Severity.NORMAL),
        NONE(Severity.NORMAL),
        REPLACED(Severity.NORMAL),
        INSTANCE_GONE(Severity.FAILED),
        ENGINE_BACKED(Severity.NORMAL),
        ROUTER_ONLY(Severity.NORMAL),
        RETRIED(Severity.FAILED),
        GAVE_UP(Severity.LOST),
        SUPERSEDED(Severity.NORMAL),
        GUARD_TIMEOUT(Severity.FAILED),
        UNDEFERRED(Severity.FAILED),
        STICKY_HIT(Severity.NORMAL),
        STICKY_MISS(Severity.NORMAL),
        REBOUND(Severity.NORMAL),
        /** The store could not be reached: the router's pick was used. */
        STORE_DOWN(Severity.FAILED),
        /** The worker had lost the session and holds it again. */
        REOPENED(Severity.FAILED),
        /** Hard affinity: the bound worker cannot serve, and the request was refused. */
        HARD_REFUSED(Severity.FAILED),
        /** Soft affinity: the bound worker could not serve, and the session moved to another. */
        MOVED(Severity.FAILED),
        /** The session's parent was closed or expired, and the child went with it. */
        PARENT_ENDED(Severity.NORMAL),
        /** The worker lost the session and did not take it back: the binding ended. */
        LOST(Severity.FAILED);

        private final Severity severity;

        Outcome(Severity severity) {
            this.severity = severity;
        }

        public Severity severity() {
            return severity;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The outcome of a call that failed with {@code failure}. */
        public static Outcome of(Throwable failure) {
            Failure reason = failure instanceof SidecarException known ? known.failure() : null;
            if (reason == null) {
                return ERROR;
            }
            return switch (reason) {
                case WORKER_REJECTED -> REJECTED;
                case WORKER_TIMEOUT -> TIMEOUT;
                case WORKER_UNAVAILABLE -> UNAVAILABLE;
                case TABLE_FULL -> TABLE_FULL;
                case INSTANCE_FULL -> INSTANCE_FULL;
                case TOO_MANY_CHILDREN -> TREE_LIMIT;
                default -> ERROR;
            };
        }
    }

    public static LifecycleEvent of(Action action, Outcome outcome, Binding binding, String contextId,
            long startedNanos, String detail) {
        return new LifecycleEvent(action, outcome, binding.sessionId(), binding.instanceId(), binding.kind(),
                contextId, startedNanos, detail);
    }

    public static LifecycleEvent of(Action action, Outcome outcome, SessionOnWorker session, String contextId,
            String detail) {
        return new LifecycleEvent(action, outcome, session.sessionId(), session.instanceId(), null, contextId, 0,
                detail);
    }

    /** What watchers of the session see, or null when the event is not theirs. */
    public SessionEvent.Type watched() {
        return switch (action) {
            case OPEN -> outcome == Outcome.ALREADY_BOUND ? SessionEvent.Type.RENEWED
                    : outcome.severity() == Severity.NORMAL ? SessionEvent.Type.OPENED : null;
            case BIND -> outcome == Outcome.ALREADY_BOUND ? SessionEvent.Type.RENEWED : SessionEvent.Type.BOUND;
            case RENEW -> SessionEvent.Type.RENEWED;
            case UNBIND -> SessionEvent.Type.CLOSED;
            case EXPIRED -> SessionEvent.Type.EXPIRED;
            case CLOSE -> outcome == Outcome.GAVE_UP ? SessionEvent.Type.CLOSE_FAILED : null;
            case ROUTE, FINISH, RECONCILE -> null;
        };
    }
}
