package io.kvsession.sidecar.control;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;

/** A worker call that failed: rejected, unreachable or too slow. */
public final class WorkerException extends SidecarException {

    private final boolean workerFault;
    private final boolean maybeDelivered;

    private WorkerException(Failure failure, String message, boolean workerFault, boolean maybeDelivered) {
        super(failure, message);
        this.workerFault = workerFault;
        this.maybeDelivered = maybeDelivered;
    }

    /** The worker answered with an error; a 5xx answer is the worker's fault and counts against its breaker. */
    public static WorkerException rejected(String message, int httpStatus) {
        return new WorkerException(Failure.WORKER_REJECTED, message, httpStatus >= 500, false);
    }

    /** No connection could be made: the request never left. */
    public static WorkerException unreachable(String message) {
        return new WorkerException(Failure.WORKER_UNAVAILABLE, message, true, false);
    }

    /** The connection broke after the request was sent: the worker may have acted on it. */
    public static WorkerException lostAnswer(String message) {
        return new WorkerException(Failure.WORKER_UNAVAILABLE, message, true, true);
    }

    public static WorkerException timedOut(String message) {
        return new WorkerException(Failure.WORKER_TIMEOUT, message, true, true);
    }

    /** The same failure, its message led by {@code what}: which worker, action and session it was. */
    public WorkerException about(String what) {
        return new WorkerException(failure(), what + ": " + getMessage(), workerFault, maybeDelivered);
    }

    /** Whether the worker may have received and carried out the request although no answer came back. */
    public boolean maybeDelivered() {
        return maybeDelivered;
    }

    /** Whether the failure says the worker is sick, as opposed to refusing one request. */
    public boolean workerFault() {
        return workerFault;
    }
}
