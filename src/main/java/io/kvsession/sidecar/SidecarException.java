package io.kvsession.sidecar;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure the client is told about: a {@link Failure}, a message that names what went wrong and, where the sidecar
 * knows it, when trying again makes sense.
 */
public class SidecarException extends RuntimeException {

    private final Failure failure;
    private volatile Duration retryAfter;

    public SidecarException(Failure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }

    /** When the same call may succeed again, e.g. once an open circuit breaker lets a trial call through. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Marks when a retry makes sense. A setter rather than a constructor argument, so that a subclass's factories
     * stay as they are and the one place that knows the delay can add it.
     */
    public SidecarException retryAfter(Duration delay) {
        this.retryAfter = delay;
        return this;
    }

    public static SidecarException invalid(String field, String problem) {
        return new SidecarException(Failure.INVALID_ARGUMENT, field + " " + problem);
    }
}
