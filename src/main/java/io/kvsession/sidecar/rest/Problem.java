package io.kvsession.sidecar.rest;

import jakarta.ws.rs.core.Response;

import io.kvsession.sidecar.Failure;

/**
 * An RFC 9457 problem detail, sent as {@code application/problem+json}; described in the API document by
 * {@link ProblemResponses}.
 */
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_PREFIX = "urn:kvsession:problem:";

    /** The problem of a domain failure, e.g. {@code urn:kvsession:problem:invalid-argument}. */
    static Problem of(Failure failure, String detail, String instance) {
        return new Problem(TYPE_PREFIX + HttpFailures.slug(failure), HttpFailures.title(failure),
                HttpFailures.status(failure), detail, instance);
    }

    /** The problem of an HTTP-level refusal with no domain failure behind it, e.g. {@code ...:http-413}. */
    static Problem ofStatus(int status, String detail, String instance) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return new Problem(TYPE_PREFIX + "http-" + status, known != null ? known.getReasonPhrase() : "HTTP " + status,
                status, detail, instance);
    }
}
