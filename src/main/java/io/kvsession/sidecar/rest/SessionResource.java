package io.kvsession.sidecar.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.kvsession.sidecar.lifecycle.Commands;
import io.kvsession.sidecar.lifecycle.SessionDirectory;
import io.kvsession.sidecar.lifecycle.SessionLifecycle;
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

    private final SessionLifecycle lifecycle;
    private final SessionDirectory directory;

    public SessionResource(SessionLifecycle lifecycle, SessionDirectory directory) {
        this.lifecycle = lifecycle;
        this.directory = directory;
    }

    @POST
    @Path("{session_id}/open")
    public Uni<Session> open(@RestPath("session_id") String sessionId, OpenRequest body) {
        OpenRequest request = QueryParams.required(body, "instance_id");
        return lifecycle.open(new Commands.Open(sessionId, request.instanceId(), request.timeoutSecs(),
                request.contextId(), request.capacityOfStrLen())).map(Session::of);
    }

    @POST
    @Path("{session_id}/bind")
    public Uni<Session> bind(@RestPath("session_id") String sessionId, BindRequest body) {
        BindRequest request = QueryParams.required(body, "instance_id");
        return lifecycle.bind(new Commands.Bind(sessionId, request.instanceId(), request.timeoutSecs()))
                .map(Session::of);
    }

    @GET
    @Path("{session_id}")
    public Uni<Session> get(@RestPath("session_id") String sessionId, @RestQuery String touch) {
        return directory.get(sessionId, QueryParams.flag("touch", touch)).map(Session::of);
    }

    @POST
    @Path("{session_id}/close")
    public Uni<RestResponse<Bodies.Close>> close(@RestPath("session_id") String sessionId, CloseRequest body) {
        CloseRequest request = body == null ? new CloseRequest(null, null, null) : body;
        return lifecycle.close(new Commands.Close(sessionId, request.instanceId(), request.contextId(),
                request.afterContextId()))
                .map(closed -> RestResponse.accepted(new Bodies.Close(closed.sessionId(), closed.instanceId(),
                        Bodies.lower(closed.engineClose()))));
    }

    @GET
    public Uni<SessionList> list(@RestQuery("instance_id") String instanceId, @RestQuery String limit,
            @RestQuery("page_token") String pageToken) {
        return directory.list(instanceId, QueryParams.integer("limit", limit), pageToken)
                .map(page -> new SessionList(page.sessions().stream().map(Session::of).toList(),
                        page.nextPageToken()));
    }
}
