package io.kvsession.sidecar.support;

import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;

import java.time.Duration;
import java.util.Map;

/** What a fake worker was asked to close, as the tests wait for it. */
public final class ClosesSeen {

    private ClosesSeen() {
    }

    /**
     * Opens and closes a session of its own on the worker and waits for that close to arrive. A close decided before
     * the fence was sent before the fence's own, so once the fence's has arrived, a close that has not is not coming.
     */
    public static void fence(FakeWorker worker) {
        String fence = newSession("fence");
        open(fence, worker.id()).statusCode(200);
        close(fence, Map.of()).statusCode(202);
        awaitClosed(worker, fence);
    }

    /** The worker was asked to close the session and no longer holds it. */
    public static void awaitClosed(FakeWorker worker, String session) {
        Eventually.await(Duration.ofSeconds(3), () -> "close of " + session + " on " + worker.id() + ", got "
                + worker.rpcs(), () -> !worker.closes(session).isEmpty() && !worker.sessions().contains(session));
    }
}
