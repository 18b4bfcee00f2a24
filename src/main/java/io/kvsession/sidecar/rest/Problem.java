package io.kvsession.sidecar.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem detail, sent as {@code application/problem+json}. */
@Schema(description = "RFC 9457 problem detail")
public record Problem(
        @Schema(description = "URI naming the kind of problem", examples = "urn:kvsession:problem:worker-timeout") String type,
        @Schema(examples = "Worker timed out") String title,
        @Schema(examples = "504") int status,
        @Schema(description = "What went wrong, naming the field, session or worker") String detail,
        @Schema(description = "The request path", examples = "/v1/sessions/s1/open") String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
