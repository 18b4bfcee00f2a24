package io.kvsession.sidecar.rest;

import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The OpenAPI document at /q/openapi: the API's description and its security scheme. The error responses come from
 * {@link ProblemResponses}, generated from the failures each operation lists.
 */
@OpenAPIDefinition(
        info = @Info(title = "kv-session-sidecar", version = "v1", description = "Owns the lifecycle of backend KV "
                + "sessions on inference workers for LLM routers: session → worker affinity with a sliding TTL, "
                + "opening the worker's KV session before the first turn and closing it after the last."),
        security = @SecurityRequirement(name = "bearer"),
        components = @Components(
                securitySchemes = @SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP,
                        scheme = "bearer", description = "Required only when kvsession.auth.token is set")))
public class ApiDefinition extends Application {
}
