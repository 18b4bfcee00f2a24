package io.kvsession.sidecar.rest;

/**
 * An RFC 9457 problem detail, sent as {@code application/problem+json}; described in the API document by
 * {@link ProblemResponses}.
 */
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
