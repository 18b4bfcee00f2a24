package io.kvsession.sidecar;

/** Why a call failed, as clients see it over REST (status) and gRPC (mapped in the gRPC layer). */
public enum Failure {
    INVALID_ARGUMENT(400, "Invalid request"),
    UNAUTHENTICATED(401, "Unauthorized"),
    NOT_FOUND(404, "Not found"),
    CONFLICT(409, "Session bound to another instance"),
    TABLE_FULL(429, "Affinity table full"),
    WORKER_REJECTED(502, "Worker rejected the call"),
    WORKER_UNAVAILABLE(503, "Worker unavailable"),
    SHUTTING_DOWN(503, "Sidecar shutting down"),
    WORKER_TIMEOUT(504, "Worker timed out");

    private final int status;
    private final String title;

    Failure(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
