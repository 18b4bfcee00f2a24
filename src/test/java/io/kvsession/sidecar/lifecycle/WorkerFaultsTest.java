package io.kvsession.sidecar.lifecycle;

import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorker.OpenMode;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Metrics;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Workers that answer badly or come back changed: an answer that never ends is cut off, any answer but a clean
 * refusal rolls the open back, and a worker that restarted gets its bound sessions opened again.
 */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class WorkerFaultsTest extends FakeWorkersTest {

    @Test
    void anAnswerThatNeverEndsIsCutOffAt16KibAndTheOpenRolledBack() {
        String session = newSession("endless");
        FakeWorker w1 = workers.get("w1");
        w1.openMode(OpenMode.ENDLESS);

        open(session, "w1").statusCode(502)
                .body("detail", containsString("more than 16384 bytes"));

        get(session).statusCode(404);
        Eventually.await(Duration.ofSeconds(2), () -> "the sidecar hung up on the endless answer, "
                + w1.endlessBytes() + " bytes written", () -> stalled(w1));
        Eventually.await(Duration.ofSeconds(3), () -> "the session it opened is closed again",
                () -> !w1.closes(session).isEmpty() && !w1.sessions().contains(session));
    }

    @Test
    void aServerErrorIsNotACleanRefusalSoTheOpenIsRolledBack() {
        String session = newSession("server-error");
        FakeWorker w3 = workers.get("w3");
        w3.openMode(OpenMode.SERVER_ERROR);

        open(session, "w3").statusCode(502).body("detail", containsString("HTTP 500"));

        Eventually.await(Duration.ofSeconds(3), () -> "a rollback close after a 500",
                () -> !w3.closes(session).isEmpty());
    }

    @Test
    void aCleanRefusalNeedsNoRollback() {
        String session = newSession("refused");
        FakeWorker w3 = workers.get("w3");
        w3.openMode(OpenMode.REJECT);
        open(session, "w3").statusCode(502).body("detail", containsString(FakeWorker.REJECTION));

        w3.openMode(OpenMode.NORMAL);
        String fence = newSession("fence");
        open(fence, "w3").statusCode(200);
        io.kvsession.sidecar.support.Api.close(fence, java.util.Map.of()).statusCode(202);
        Eventually.await(Duration.ofSeconds(3), () -> "the fence's close", () -> !w3.closes(fence).isEmpty());
        assertTrue(w3.closes(session).isEmpty(), "SGLang's 400 means it did not open the session");
    }

    @Test
    void aRestartedWorkerGetsItsBoundSessionsOpenedAgain() {
        String session = newSession("survivor");
        FakeWorker w3 = workers.get("w3");
        open(session, "w3").statusCode(200).body("kind", equalTo("engine_backed"));
        double before = Metrics.value("kvsession_lifecycle_calls_total", "operation=\"reconcile\"",
                "outcome=\"reopened\"");

        w3.restart(Duration.ZERO);
        assertTrue(w3.sessions().isEmpty(), "a restart forgets every session");

        Eventually.await(Duration.ofSeconds(5), () -> "the session opened again on the restarted worker",
                () -> w3.sessions().contains(session));
        get(session).statusCode(200).body("engine_session", equalTo(true));
        // counted once the worker's answer is back, which may be after the worker holds the session
        Eventually.await(Duration.ofSeconds(3), () -> "the re-open counted", () -> Metrics.value(
                "kvsession_lifecycle_calls_total", "operation=\"reconcile\"", "outcome=\"reopened\"") > before);
    }

    @Test
    void aSessionARestartedWorkerWillNotTakeBackIsUnboundNotLeftEngineBacked() {
        String session = newSession("lost");
        FakeWorker w3 = workers.get("w3");
        open(session, "w3").statusCode(200).body("kind", equalTo("engine_backed"));

        w3.openMode(OpenMode.REJECT).restart(Duration.ZERO);

        Eventually.await(Duration.ofSeconds(5), () -> "the binding of a session w3 lost and refused to open again ends",
                () -> get(session).extract().statusCode() == 404);
        Eventually.await(Duration.ofSeconds(3), () -> "the ending counted", () -> Metrics.value(
                "kvsession_lifecycle_calls_total", "operation=\"unbind\"", "outcome=\"lost\"") > 0);
        assertTrue(w3.sessions().isEmpty());
    }

    /** Whether the worker's endless answer has stopped growing (its writes fail once the sidecar hangs up). */
    private static boolean stalled(FakeWorker worker) {
        long before = worker.endlessBytes();
        Eventually.pause(Duration.ofMillis(100));
        return worker.endlessBytes() == before;
    }
}
