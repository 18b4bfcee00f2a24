package io.kvsession.sidecar.control;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;

/** A worker call that failed: rejected, unreachable or too slow. */
public final class WorkerException extends SidecarException {

    private final boolean workerFault;

    private WorkerException(Failure failure, String message, boolean workerFault) {
        super(failure, message);
        this.workerFault = workerFault;
    }

    /** The worker answered with an error; a 5xx answer is the worker's fault and counts against its breaker. */
    public static WorkerException rejected(String message, int httpStatus) {
        return new WorkerException(Failure.WORKER_REJECTED, message, httpStatus >= 500);
    }

    public static WorkerException unreachable(String message) {
        return new WorkerException(Failure.WORKER_UNAVAILABLE, message, true);
    }

    public static WorkerException timedOut(String message) {
        return new WorkerException(Failure.WORKER_TIMEOUT, message, true);
    }

    /** Whether the failure says the worker is sick, as opposed to refusing one request. */
    public boolean workerFault() {
        return workerFault;
    }
}
