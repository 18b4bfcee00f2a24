package io.kvsession.sidecar.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.config.AccessToken;

/** Requires the bearer token on /v1 when one is configured; /q (health, metrics, OpenAPI) is not served here. */
public class AuthFilter {

    private final AccessToken token;

    public AuthFilter(AccessToken token) {
        this.token = token;
    }

    @ServerRequestFilter(preMatching = true)
    public void requireToken(ContainerRequestContext request) {
        if (!token.accepts(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            throw new SidecarException(Failure.UNAUTHENTICATED,
                    "this sidecar requires 'Authorization: Bearer <token>' (kvsession.auth.token)");
        }
    }
}
