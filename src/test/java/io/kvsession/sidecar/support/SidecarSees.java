package io.kvsession.sidecar.support;

import static io.kvsession.sidecar.support.Api.workers;

import java.time.Duration;

/** Waits until the sidecar's own view of a worker, in {@code GET /v1/workers}, has caught up with the worker. */
public final class SidecarSees {

    private SidecarSees() {
    }

    /** Stops the worker and waits until the sidecar has seen it down (its next read of the worker failed). */
    public static void stopped(FakeWorker worker) {
        worker.stop();
        Eventually.await(Duration.ofSeconds(5), () -> worker.id() + " seen unhealthy",
                () -> Boolean.FALSE.equals(workers().extract().path("workers.find { it.instance_id == '"
                        + worker.id() + "' }.healthy")));
    }
}
