package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.Locale;

import io.smallrye.mutiny.Uni;

/**
 * How to open and close a KV session on one kind of worker. Expected answers (a duplicate open, a close of a session
 * the worker does not know) are outcomes, not failures, so they never trip a circuit breaker.
 */
public interface WorkerProtocol {

    enum OpenOutcome {
        OPENED,
        ALREADY_OPEN,
        /** The worker says it offers no sessions (SGLang without streaming sessions): not a fault. */
        SESSIONS_DISABLED
    }

    enum CloseOutcome {
        CLOSED,
        UNKNOWN_SESSION
    }

    /**
     * What the worker is asked to open.
     *
     * @param workerTimeoutSecs the worker's own expiry, longer than the sidecar's so that the sidecar closes first
     */
    record OpenSpec(String sessionId, long workerTimeoutSecs, int capacityOfStrLen) {
    }

    /** Opens the session the way a worker with {@code capability} expects. */
    Uni<OpenOutcome> open(Instance instance, OpenSpec spec, Capability capability, Duration deadline);

    Uni<CloseOutcome> close(Instance instance, String sessionId, Duration deadline);

    /** Whether the worker answers healthy within the deadline; false while it is starting. */
    Uni<Boolean> healthy(Instance instance, Duration deadline);

    /** What the worker says of itself; capability {@link Capability#UNKNOWN} when it does not say. */
    Uni<ServerInfo> serverInfo(Instance instance, Duration deadline);

    /** Whether a worker's error message says it does not know the session, which for a close means done. */
    static boolean meansUnknownSession(String message) {
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return text.contains("not found") || text.contains("does not exist") || text.contains("unknown session")
                || text.contains("no such session") || text.contains("not exist");
    }
}
