package io.kvsession.sidecar.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.kvsession.sidecar.lifecycle.Commands;
import io.kvsession.sidecar.lifecycle.SessionBinder;
import io.kvsession.sidecar.lifecycle.SessionCloser;
import io.kvsession.sidecar.lifecycle.SessionDirectory;
import io.kvsession.sidecar.lifecycle.SessionOpener;
import io.kvsession.sidecar.rest.Bodies.BindRequest;
import io.kvsession.sidecar.rest.Bodies.CloseRequest;
import io.kvsession.sidecar.rest.Bodies.OpenRequest;
import io.kvsession.sidecar.rest.Bodies.Session;
import io.kvsession.sidecar.rest.Bodies.SessionList;
import io.smallrye.mutiny.Uni;

/** Sessions over REST: maps JSON to lifecycle commands and back, nothing else. */
@Path("/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionOpener opener;
    private final SessionBinder binder;
    private final SessionCloser closer;
    private final SessionDirectory directory;

    public SessionResource(SessionOpener opener, SessionBinder binder, SessionCloser closer,
            SessionDirectory directory) {
        this.opener = opener;
        this.binder = binder;
        this.closer = closer;
        this.directory = directory;
    }

    @POST
    @Path("{session_id}/open")
    @Operation(summary = "Open a KV session on the worker and bind the session to it",
            description = "Answers once the worker holds the session; the worker is sent timeout_secs + 30. "
                    + "Re-opening on the same instance renews the TTL without an RPC. Without any worker offering "
                    + "session control the binding is affinity-only (kind router_only).")
    @Extension(name = ProblemResponses.FAILURES, value = "INVALID_ARGUMENT,NOT_FOUND,CONFLICT,TABLE_FULL,"
            + "INSTANCE_FULL,TOO_MANY_CHILDREN,WORKER_REJECTED,WORKER_UNAVAILABLE,SHUTTING_DOWN,WORKER_TIMEOUT,"
            + "STORE_UNAVAILABLE")
    @APIResponse(responseCode = "200", description = "The session is bound")
    public Uni<Session> open(@RestPath("session_id") String sessionId, OpenRequest body) {
        return Uni.createFrom().deferred(() -> {
            OpenRequest request = QueryParams.required(body, "instance_id");
            return opener.open(new Commands.Open(sessionId, request.instanceId(), request.timeoutSecs(),
                    request.contextId(), request.capacityOfStrLen(), request.parentSessionId()));
        }).map(Session::of);
    }

    @POST
    @Path("{session_id}/bind")
    @Operation(summary = "Bind the session to an instance, affinity only",
            description = "Replaces a previous binding; an engine session on another instance is closed.")
    @Extension(name = ProblemResponses.FAILURES, value = "INVALID_ARGUMENT,NOT_FOUND,TABLE_FULL,INSTANCE_FULL,"
            + "TOO_MANY_CHILDREN,SHUTTING_DOWN,STORE_UNAVAILABLE")
    @APIResponse(responseCode = "200", description = "The session is bound")
    public Uni<Session> bind(@RestPath("session_id") String sessionId, BindRequest body) {
        return Uni.createFrom().deferred(() -> {
            BindRequest request = QueryParams.required(body, "instance_id");
            return binder.bind(new Commands.Bind(sessionId, request.instanceId(), request.timeoutSecs(),
                    request.parentSessionId()));
        }).map(Session::of);
    }

    @GET
    @Path("{session_id}")
    @Operation(summary = "The session's binding, with its children",
            description = "touch=true renews the TTL.")
    @Extension(name = ProblemResponses.FAILURES, value = "INVALID_ARGUMENT,NOT_FOUND,STORE_UNAVAILABLE")
    @APIResponse(responseCode = "200", description = "The session is bound")
    public Uni<Session> get(@RestPath("session_id") String sessionId, @RestQuery String touch) {
        return Uni.createFrom().deferred(() -> directory.get(sessionId, QueryParams.flag("touch", touch)))
                .map(Session::of);
    }

    @POST
    @Path("{session_id}/close")
    @Operation(summary = "Unbind the session and close its KV session",
            description = "The worker close runs in the background, retried until it lands, or after the request "
                    + "named by after_context_id finishes. The body is optional.")
    @Extension(name = ProblemResponses.FAILURES, value = "INVALID_ARGUMENT,NOT_FOUND,BACKLOG_FULL,SHUTTING_DOWN,"
            + "STORE_UNAVAILABLE")
    @APIResponse(responseCode = "202", description = "Unbound; engine_close says what happens on the worker")
    public Uni<RestResponse<Bodies.Close>> close(@RestPath("session_id") String sessionId, CloseRequest body) {
        CloseRequest request = body == null ? new CloseRequest(null, null, null) : body;
        return closer.close(new Commands.Close(sessionId, request.instanceId(), request.contextId(),
                request.afterContextId()))
                .map(closed -> RestResponse.accepted(new Bodies.Close(closed.sessionId(), closed.instanceId(),
                        closed.engineClose().wireName())));
    }

    @GET
    @Operation(summary = "Bound sessions ordered by id, a page at a time")
    @Extension(name = ProblemResponses.FAILURES, value = "INVALID_ARGUMENT,STORE_UNAVAILABLE")
    @APIResponse(responseCode = "200", description = "One page; next_page_token continues it")
    public Uni<SessionList> list(@RestQuery("instance_id") String instanceId, @RestQuery String limit,
            @RestQuery("page_token") String pageToken) {
        return Uni.createFrom().deferred(() -> directory.list(instanceId, QueryParams.integer("limit", limit),
                pageToken))
                .map(page -> new SessionList(page.sessions().stream().map(Session::of).toList(),
                        page.nextPageToken()));
    }
}
