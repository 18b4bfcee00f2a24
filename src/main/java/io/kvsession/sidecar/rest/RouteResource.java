package io.kvsession.sidecar.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestPath;

import io.kvsession.sidecar.lifecycle.Commands;
import io.kvsession.sidecar.lifecycle.RequestRouter;
import io.kvsession.sidecar.lifecycle.SessionCloser;
import io.kvsession.sidecar.rest.Bodies.RouteRequest;
import io.smallrye.mutiny.Uni;

/** The per-request hook over REST: route a request, and tell when it finished. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    private final RequestRouter router;
    private final SessionCloser closer;

    public RouteResource(RequestRouter router, SessionCloser closer) {
        this.router = router;
        this.closer = closer;
    }

    @POST
    @Path("route")
    @Operation(summary = "Route one request and apply its session action",
            description = "A bound session goes to its instance (sticky). When that worker is gone, unhealthy or "
                    + "its circuit is open, hard affinity answers 503 naming it and soft affinity moves the session "
                    + "to the router's pick (rebound); without a mode, a gone worker's binding is dropped for the "
                    + "pick. An unbound child goes to its parent's worker. open opens on the target, bind binds, "
                    + "close unbinds now and closes the KV session once the request finishes. Without "
                    + "session_control the headers may name the session: unbound, it is opened; a final header "
                    + "closes it after the request. The request holds its session until it finishes.")
    @Extension(name = ProblemResponses.FAILURES, value = "INVALID_ARGUMENT,NOT_FOUND,CONFLICT,TABLE_FULL,"
            + "INSTANCE_FULL,TOO_MANY_CHILDREN,WORKER_REJECTED,WORKER_UNAVAILABLE,SHUTTING_DOWN,WORKER_TIMEOUT,"
            + "STORE_UNAVAILABLE")
    @APIResponse(responseCode = "200", description = "Where the request goes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Bodies.Route> route(RouteRequest body) {
        return Uni.createFrom().deferred(() -> {
            RouteRequest request = QueryParams.required(body, "instance_id");
            Bodies.SessionControlBody session = request.sessionControl();
            return router.route(new Commands.Route(request.contextId(), request.instanceId(), session == null ? null
                    : new Commands.SessionDirective(session.sessionId(), session.action(), session.timeout(),
                            session.parentSessionId()), request.headers(), request.affinityMode(),
                    request.parentSessionId()));
        }).map(routed -> new Bodies.Route(routed.instanceId(), routed.sticky(), routed.engineSession(),
                routed.deferredClose(), routed.rebound()));
    }

    @POST
    @Path("requests/{context_id}/finish")
    @Operation(summary = "The request finished: start the closes that waited for it",
            description = "Call it on success, error and cancel alike.")
    @Extension(name = ProblemResponses.FAILURES, value = "INVALID_ARGUMENT,STORE_UNAVAILABLE")
    @APIResponse(responseCode = "200", description = "The sessions whose worker close started")
    public Uni<Bodies.Finish> finish(@RestPath("context_id") String contextId) {
        return closer.finish(contextId)
                .map(finished -> new Bodies.Finish(finished.contextId(), finished.closedSessions()));
    }
}
