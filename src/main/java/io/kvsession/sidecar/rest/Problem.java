package io.kvsession.sidecar.rest;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.kvsession.sidecar.Failure;

/**
 * An RFC 9457 problem detail, sent as {@code application/problem+json}; described in the API document by
 * {@link ProblemResponses}.
 *
 * @param suggestedInstanceId an extension member: when a worker is full, the healthy worker with the most room
 */
public record Problem(String type, String title, int status, String detail, String instance,
        @JsonInclude(JsonInclude.Include.NON_NULL) String suggestedInstanceId) {

    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_PREFIX = "urn:kvsession:problem:";

    /** The problem of a domain failure, e.g. {@code urn:kvsession:problem:invalid-argument}. */
    static Problem of(Failure failure, String detail, String instance) {
        return new Problem(TYPE_PREFIX + HttpFailures.slug(failure), HttpFailures.title(failure),
                HttpFailures.status(failure), detail, instance, null);
    }

    /** The same problem, naming the worker to try instead. */
    Problem suggesting(String instanceId) {
        return new Problem(type, title, status, detail, instance, instanceId);
    }

    /** The problem of an HTTP-level refusal with no domain failure behind it, e.g. {@code ...:http-413}. */
    static Problem ofStatus(int status, String detail, String instance) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return new Problem(TYPE_PREFIX + "http-" + status, known != null ? known.getReasonPhrase() : "HTTP " + status,
                status, detail, instance, null);
    }
}
