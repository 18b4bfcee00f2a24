package io.kvsession.sidecar.rest;

import java.util.Locale;

import io.kvsession.sidecar.Failure;

/** The HTTP face of each {@link Failure}: status, problem title and type, and its line in the API document. */
final class HttpFailures {

    private HttpFailures() {
    }

    static int status(Failure failure) {
        return switch (failure) {
            case INVALID_ARGUMENT -> 400;
            case UNAUTHENTICATED -> 401;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TABLE_FULL, BACKLOG_FULL, INSTANCE_FULL, TOO_MANY_CHILDREN -> 429;
            case WORKER_REJECTED -> 502;
            case WORKER_UNAVAILABLE, SHUTTING_DOWN, STORE_UNAVAILABLE -> 503;
            case WORKER_TIMEOUT -> 504;
        };
    }

    static String title(Failure failure) {
        return switch (failure) {
            case INVALID_ARGUMENT -> "Invalid request";
            case UNAUTHENTICATED -> "Unauthorized";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Session bound to another instance";
            case TABLE_FULL -> "Affinity table full";
            case BACKLOG_FULL -> "Close backlog full";
            case INSTANCE_FULL -> "Worker full";
            case TOO_MANY_CHILDREN -> "Too many child sessions";
            case WORKER_REJECTED -> "Worker rejected the call";
            case WORKER_UNAVAILABLE -> "Worker unavailable";
            case SHUTTING_DOWN -> "Sidecar shutting down";
            case STORE_UNAVAILABLE -> "Affinity store unavailable";
            case WORKER_TIMEOUT -> "Worker timed out";
        };
    }

    /** When the status is answered, for the API document. */
    static String description(Failure failure) {
        return switch (failure) {
            case INVALID_ARGUMENT -> "Malformed JSON, or a missing or invalid field; detail names it";
            case UNAUTHENTICATED -> "kvsession.auth.token is set and the bearer token is missing or wrong";
            case NOT_FOUND -> "Unknown session, or unknown instance_id";
            case CONFLICT -> "The session is bound to another instance";
            case TABLE_FULL -> "The affinity table is full (kvsession.affinity.max-entries); Retry-After says when "
                    + "to try again";
            case BACKLOG_FULL -> "Too many worker closes are waiting (kvsession.rpc.close-max-pending, or "
                    + "close-max-pending-unbound for sessions not bound here); nothing was unbound";
            case INSTANCE_FULL -> "The worker holds kvsession.admission.max-sessions-per-instance sessions; "
                    + "suggested_instance_id names the healthy worker with the most room, when one has room";
            case TOO_MANY_CHILDREN -> "The parent session has kvsession.agents.max-children children";
            case WORKER_REJECTED -> "The worker answered with an error; its message is in detail";
            case WORKER_UNAVAILABLE -> "The worker is unreachable or its circuit is open";
            case SHUTTING_DOWN -> "The sidecar is shutting down";
            case STORE_UNAVAILABLE -> "The shared affinity store (Redis) cannot be reached; nothing was changed";
            case WORKER_TIMEOUT -> "The worker did not answer within kvsession.rpc.open-timeout";
        };
    }

    /** The problem type's last segment, e.g. {@code worker-timeout}. */
    static String slug(Failure failure) {
        return failure.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
