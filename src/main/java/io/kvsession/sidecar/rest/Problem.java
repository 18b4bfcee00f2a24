package io.kvsession.sidecar.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, sent as {@code application/problem+json}; described in the API document by
 * {@link ProblemResponses}.
 *
 * @param suggestedInstanceId an extension member: when a worker is full, the healthy worker with the most room
 */
public record Problem(String type, String title, int status, String detail, String instance,
        @JsonInclude(JsonInclude.Include.NON_NULL) String suggestedInstanceId) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
