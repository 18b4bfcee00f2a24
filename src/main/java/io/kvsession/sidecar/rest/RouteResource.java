package io.kvsession.sidecar.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestPath;

import io.kvsession.sidecar.lifecycle.Commands;
import io.kvsession.sidecar.lifecycle.RequestRouter;
import io.kvsession.sidecar.rest.Bodies.RouteRequest;
import io.smallrye.mutiny.Uni;

/** The per-request hook over REST: route a request, and tell when it finished. */
@Path("/v1")
@APIResponse(responseCode = "400", ref = ApiDefinition.BAD_REQUEST)
@APIResponse(responseCode = "401", ref = ApiDefinition.UNAUTHORIZED)
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    private final RequestRouter router;

    public RouteResource(RequestRouter router) {
        this.router = router;
    }

    @POST
    @Path("route")
    @Operation(summary = "Route one request and apply its session action",
            description = "A bound session goes to its instance (sticky) unless that instance is gone; otherwise "
                    + "the router's pick is used. open opens on the target, bind binds, close unbinds now and "
                    + "closes the KV session once the request finishes.")
    @APIResponse(responseCode = "200", description = "Where the request goes")
    @APIResponse(responseCode = "404", ref = ApiDefinition.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDefinition.CONFLICT)
    @APIResponse(responseCode = "429", ref = ApiDefinition.TABLE_FULL)
    @APIResponse(responseCode = "502", ref = ApiDefinition.WORKER_REJECTED)
    @APIResponse(responseCode = "503", ref = ApiDefinition.UNAVAILABLE)
    @APIResponse(responseCode = "504", ref = ApiDefinition.WORKER_TIMEOUT)
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
    @Operation(summary = "The request finished: start the closes that waited for it",
            description = "Call it on success, error and cancel alike.")
    @APIResponse(responseCode = "200", description = "The sessions whose worker close started")
    public Uni<Bodies.Finish> finish(@RestPath("context_id") String contextId) {
        return router.finish(contextId)
                .map(finished -> new Bodies.Finish(finished.contextId(), finished.closedSessions()));
    }
}
