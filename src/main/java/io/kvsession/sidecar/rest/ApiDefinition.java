package io.kvsession.sidecar.rest;

import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The OpenAPI document at /q/openapi: the API's description, and the error responses every operation names by
 * reference, each an RFC 9457 problem.
 */
@OpenAPIDefinition(
        info = @Info(title = "kv-session-sidecar", version = "v1", description = "Owns the lifecycle of backend KV "
                + "sessions on inference workers for LLM routers: session → worker affinity with a sliding TTL, "
                + "opening the worker's KV session before the first turn and closing it after the last."),
        security = @SecurityRequirement(name = "bearer"),
        components = @Components(
                securitySchemes = @SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP,
                        scheme = "bearer", description = "Required only when kvsession.auth.token is set"),
                responses = {
                        @APIResponse(name = ApiDefinition.BAD_REQUEST, responseCode = "400",
                                description = "Malformed JSON, or a missing or invalid field; detail names it",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "ttl", value = "{\"type\":"
                                                + "\"urn:kvsession:problem:invalid-argument\",\"title\":\"Invalid "
                                                + "request\",\"status\":400,\"detail\":\"timeout_secs must be "
                                                + "between 1 and 31536000 seconds, was 0\",\"instance\":"
                                                + "\"/v1/sessions/chat-42/open\"}"))),
                        @APIResponse(name = ApiDefinition.UNAUTHORIZED, responseCode = "401",
                                description = "kvsession.auth.token is set and the bearer token is missing or wrong",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = ApiDefinition.NOT_FOUND, responseCode = "404",
                                description = "Unknown session, or unknown instance_id",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = ApiDefinition.CONFLICT, responseCode = "409",
                                description = "The session is bound to another instance",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "conflict", value = "{\"type\":"
                                                + "\"urn:kvsession:problem:conflict\",\"title\":\"Session bound to "
                                                + "another instance\",\"status\":409,\"detail\":\"session "
                                                + "'chat-42' is bound to instance 'w1', not 'w2'; close it before "
                                                + "opening it elsewhere\",\"instance\":"
                                                + "\"/v1/sessions/chat-42/open\"}"))),
                        @APIResponse(name = ApiDefinition.TABLE_FULL, responseCode = "429",
                                description = "The affinity table is full (kvsession.affinity.max-entries); "
                                        + "Retry-After says when to try again",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = ApiDefinition.WORKER_REJECTED, responseCode = "502",
                                description = "The worker answered with an error; its message is in detail",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = ApiDefinition.UNAVAILABLE, responseCode = "503",
                                description = "The worker is unreachable or its circuit is open, or the sidecar is "
                                        + "shutting down",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = ApiDefinition.WORKER_TIMEOUT, responseCode = "504",
                                description = "The worker did not answer within kvsession.rpc.open-timeout",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))) }))
public class ApiDefinition extends Application {

    static final String BAD_REQUEST = "BadRequest";
    static final String UNAUTHORIZED = "Unauthorized";
    static final String NOT_FOUND = "NotFound";
    static final String CONFLICT = "Conflict";
    static final String TABLE_FULL = "TableFull";
    static final String WORKER_REJECTED = "WorkerRejected";
    static final String UNAVAILABLE = "Unavailable";
    static final String WORKER_TIMEOUT = "WorkerTimeout";
}
