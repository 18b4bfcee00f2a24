package io.kvsession.sidecar.control;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;

/** A worker call that failed: rejected, unreachable or too slow. */
public final class WorkerException extends SidecarException {

    private final boolean workerFault;
    private final boolean maybeDelivered;
    private final boolean refused;

    private WorkerException(Failure failure, String message, boolean workerFault, boolean maybeDelivered,
            boolean refused) {
        super(failure, message);
        this.workerFault = workerFault;
        this.maybeDelivered = maybeDelivered;
        this.refused = refused;
    }

    private WorkerException(Failure failure, String message, boolean workerFault, boolean maybeDelivered) {
        this(failure, message, workerFault, maybeDelivered, false);
    }

    /** The worker answered with an error; a 5xx answer is the worker's fault and counts against its breaker. */
    public static WorkerException rejected(String message, int httpStatus) {
        return new WorkerException(Failure.WORKER_REJECTED, message, httpStatus >= 500, false);
    }

    /** No connection could be made: the request never left, and the worker may be down. */
    public static WorkerException unreachable(String message) {
        return new WorkerException(Failure.WORKER_UNAVAILABLE, message, true, false, true);
    }

    /** The worker's breaker is open: the call was not made. */
    public static WorkerException breakerOpen(String message) {
        return new WorkerException(Failure.WORKER_UNAVAILABLE, message, true, false, false);
    }

    /** The connection broke after the request was sent: the worker may have acted on it. */
    public static WorkerException lostAnswer(String message) {
        return new WorkerException(Failure.WORKER_UNAVAILABLE, message, true, true);
    }

    /**
     * The worker answered, but not with a clean refusal: a 5xx, a body that is not the protocol's, one longer than
     * the cap, or a failure inside its handler. It may have acted on the request.
     */
    public static WorkerException garbled(String message) {
        return new WorkerException(Failure.WORKER_REJECTED, message, true, true);
    }

    public static WorkerException timedOut(String message) {
        return new WorkerException(Failure.WORKER_TIMEOUT, message, true, true);
    }

    /** The same failure, its message led by {@code what}: which worker, action and session it was. */
    public WorkerException about(String what) {
        return new WorkerException(failure(), what + ": " + getMessage(), workerFault, maybeDelivered, refused);
    }

    /** Whether the worker may have received and carried out the request although no answer came back. */
    public boolean maybeDelivered() {
        return maybeDelivered;
    }

    /** Whether no connection could be made at all: the worker process may be down, and may come back empty. */
    public boolean refused() {
        return refused;
    }

    /** Whether the failure says the worker is sick, as opposed to refusing one request. */
    public boolean workerFault() {
        return workerFault;
    }
}
