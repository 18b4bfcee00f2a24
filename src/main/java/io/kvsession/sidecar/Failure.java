package io.kvsession.sidecar;

/**
 * Why a call failed, as clients are told. Each transport maps it at its edge: to an HTTP status and problem type in
 * {@code rest/}, to a gRPC status code in {@code grpc/}.
 */
public enum Failure {
    /** Malformed input, or a missing or invalid field. */
    INVALID_ARGUMENT,
    /** A bearer token is required and was missing or wrong. */
    UNAUTHENTICATED,
    /** Unknown session, or unknown instance. */
    NOT_FOUND,
    /** The session is bound to another instance. */
    CONFLICT,
    /** The affinity table is full. */
    TABLE_FULL,
    /** The worker holds its maximum of sessions (admission). */
    INSTANCE_FULL,
    /** The parent session has its maximum of children. */
    TOO_MANY_CHILDREN,
    /** Too many worker closes are waiting: a close would not be sent. */
    BACKLOG_FULL,
    /** The worker answered with an error. */
    WORKER_REJECTED,
    /** The worker is unreachable or its circuit is open. */
    WORKER_UNAVAILABLE,
    /** The sidecar is shutting down and takes no new calls. */
    SHUTTING_DOWN,
    /** The worker did not answer in time. */
    WORKER_TIMEOUT,
    /** The shared affinity store cannot be reached: nothing was changed. */
    STORE_UNAVAILABLE
}
