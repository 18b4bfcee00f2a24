package io.kvsession.sidecar.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.SidecarProcess;

/**
 * SIGTERM on the packaged sidecar: pending closes reach the worker before the process exits, with status 0, and so
 * do the closes of sessions still bound, which the memory store would forget.
 */
class GracefulShutdownIT {

    private final FakeWorker worker = new FakeWorker("w1").start();

    @AfterEach
    void stopWorker() {
        worker.shutdown();
    }

    @Test
    void sigtermFlushesDeferredAndRetryingClosesThenExitsZero() throws Exception {
        try (SidecarProcess sidecar = SidecarProcess.start("graceful-shutdown", Map.of(
                "kvsession.workers.\"w1\".url", worker.url(),
                "kvsession.control.wait-for-instances", "2s",
                "kvsession.rpc.close-max-backoff", "300ms",
                "kvsession.shutdown.drain-timeout", "8s"))) {
            assertEquals(200, sidecar.post("/v1/sessions/held/open", "{\"instance_id\":\"w1\"}").statusCode());
            assertEquals(200, sidecar.post("/v1/sessions/flaky/open", "{\"instance_id\":\"w1\"}").statusCode());
            assertEquals(200, sidecar.post("/v1/sessions/still-bound/open", "{\"instance_id\":\"w1\"}").statusCode());
            assertEquals(202, sidecar.post("/v1/sessions/held/close",
                    "{\"after_context_id\":\"a-request-that-never-finishes\"}").statusCode());
            worker.failCloses(3);
            assertEquals(202, sidecar.post("/v1/sessions/flaky/close", "{}").statusCode());
            Eventually.await(Duration.ofSeconds(3), () -> "a first, failed close attempt",
                    () -> worker.closes("flaky").size() >= 1);
            assertTrue(worker.closes("held").isEmpty(), "held until its request finishes");

            int status = sidecar.terminate(Duration.ofSeconds(15));

            assertEquals(0, status, sidecar.log());
            assertTrue(worker.sessions().isEmpty(), "every close landed before the exit: " + worker.rpcs());
            assertTrue(worker.closes("still-bound").size() >= 1, "the bound session was closed, not forgotten");
            assertTrue(worker.closes("held").size() >= 1, "the deferred close was flushed on SIGTERM");
            assertTrue(worker.closes("flaky").size() >= 2, "the retrying close went on until it landed");
            // The two refusals left after flaky's first may meet any of the three closes.
            assertEquals(6, worker.closes("held").size() + worker.closes("flaky").size()
                    + worker.closes("still-bound").size(), "three refused attempts and one that landed per session, "
                            + "nothing more");
            assertTrue(sidecar.log().contains("action=shutdown outcome=drained"), sidecar.log());
            assertTrue(sidecar.log().contains("action=affinity_store outcome=memory"), "the start says the memory "
                    + "store starts empty: " + sidecar.log());
        }
    }
}
