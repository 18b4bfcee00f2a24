package io.kvsession.sidecar.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.kvsession.sidecar.lifecycle.SessionDirectory;
import io.smallrye.mutiny.Uni;

/** The workers as the sidecar sees them. */
@Path("/v1/workers")
@Produces(MediaType.APPLICATION_JSON)
public class WorkerResource {

    private final SessionDirectory directory;

    public WorkerResource(SessionDirectory directory) {
        this.directory = directory;
    }

    @GET
    @Operation(summary = "Session-control state and every worker",
            description = "Before the first lifecycle call this starts the probe and reports probing.")
    @APIResponse(responseCode = "200", description = "The workers")
    public Uni<Bodies.Workers> workers() {
        return directory.workers().map(workers -> new Bodies.Workers(workers.sessionControl().wireName(),
                workers.workers().stream().map(Bodies.Worker::of).toList()));
    }
}
