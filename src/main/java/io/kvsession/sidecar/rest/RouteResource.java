package io.kvsession.sidecar.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;

import io.kvsession.sidecar.lifecycle.Commands;
import io.kvsession.sidecar.lifecycle.RequestRouter;
import io.kvsession.sidecar.rest.Bodies.RouteRequest;
import io.smallrye.mutiny.Uni;

/** The per-request hook over REST: route a request, and tell when it finished. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    private final RequestRouter router;

    public RouteResource(RequestRouter router) {
        this.router = router;
    }

    @POST
    @Path("route")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Bodies.Route> route(RouteRequest body) {
        RouteRequest request = QueryParams.required(body, "instance_id");
        Bodies.SessionControlBody control = request.sessionControl();
        return router.route(new Commands.Route(request.contextId(), request.instanceId(), control == null ? null
                : new Commands.SessionControl(control.sessionId(), control.action(), control.timeout())))
                .map(routed -> new Bodies.Route(routed.instanceId(), routed.sticky(), routed.engineSession(),
                        routed.deferredClose()));
    }

    @POST
    @Path("requests/{context_id}/finish")
    public Uni<Bodies.Finish> finish(@RestPath("context_id") String contextId) {
        return router.finish(contextId)
                .map(finished -> new Bodies.Finish(finished.contextId(), finished.closedSessions()));
    }
}
