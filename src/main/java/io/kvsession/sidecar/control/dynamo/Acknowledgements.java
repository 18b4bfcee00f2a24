package io.kvsession.sidecar.control.dynamo;

import java.util.Locale;
import java.util.Optional;

import io.kvsession.sidecar.control.WorkerException;
import io.vertx.core.buffer.Buffer;

/**
 * What a worker's acknowledgement says (ai-dynamo/dynamo {@code ingress/shared_tcp_endpoint.rs}): empty when the
 * request was queued; otherwise the reason it was not. The texts differ across releases: {@code "Unknown endpoint:
 * <path>"} in older ones, {@code "Server unavailable: unknown endpoint <path>"} in newer ones, {@code "Server
 * overloaded: …"}, {@code "Server unavailable: worker pool channel closed"}, and for a frame the worker could not
 * parse {@code "Read error: …"}, {@code "Invalid endpoint path"} or {@code "Request too large"}.
 */
final class Acknowledgements {

    private Acknowledgements() {
    }

    /**
     * Empty when the request was accepted, else the rejection:
     * <ul>
     * <li>unknown endpoint → 404: the address names a handler this worker does not serve (typically a worker that
     * restarted under a new instance id, whose stale key discovery is about to drop); the worker itself is fine, so
     * it must not count against its breaker;</li>
     * <li>overloaded or unavailable → 503: the worker is shedding load or shutting down its pool, a passing sickness
     * its breaker should see;</li>
     * <li>anything else → 400: the worker could not read our frame, a fault of the request, not of the worker.</li>
     * </ul>
     */
    static Optional<WorkerException> rejection(String worker, Buffer ack) {
        if (ack.length() == 0) {
            return Optional.empty();
        }
        String text = Messages.excerpt(ack);
        String lower = text.toLowerCase(Locale.ROOT);
        String message = worker + " refused the call: " + text;
        if (lower.contains("unknown endpoint")) {
            return Optional.of(WorkerException.rejected(message, 404));
        }
        if (lower.startsWith("server overloaded") || lower.startsWith("server unavailable")) {
            return Optional.of(WorkerException.rejected(message, 503));
        }
        return Optional.of(WorkerException.rejected(message, 400));
    }
}
