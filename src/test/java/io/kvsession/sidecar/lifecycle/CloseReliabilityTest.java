package io.kvsession.sidecar.lifecycle;

import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Metrics;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Closes are retried across a worker outage, and a caller that goes away cannot leak a worker session (SPEC §3.2,
 * §3.4); the retry policy itself is {@link CloseSchedulerTest}'s.
 */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class CloseReliabilityTest extends FakeWorkersTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aCloseRetriedAcrossAWorkerOutageArrivesOnceTheWorkerIsBack() {
        String session = newSession("outage");
        FakeWorker w3 = workers.get("w3");
        open(session, "w3").statusCode(200);
        double retriedBefore = Metrics.value("kvsession_lifecycle_calls_total", "operation=\"close\"",
                "outcome=\"retried\"");
        w3.stop();

        close(session, Map.of()).statusCode(202).body("engine_close", equalTo("scheduled"));
        Eventually.await(Duration.ofSeconds(3), () -> "two failed attempts while w3 is down",
                () -> Metrics.value("kvsession_lifecycle_calls_total", "operation=\"close\"", "outcome=\"retried\"")
                        >= retriedBefore + 2);
        assertTrue(w3.closes(session).isEmpty());
        w3.start();

        Eventually.await(Duration.ofSeconds(4), () -> "the close of " + session + " after w3 came back",
                () -> !w3.sessions().contains(session) && !w3.closes(session).isEmpty());
        assertTrue(Metrics.value("kvsession_lifecycle_calls_total", "operation=\"close\"", "outcome=\"retried\"")
                > retriedBefore, "the failed attempts were counted as retried");
    }

    @Test
    void anOpenWhoseCallerDisconnectsStillEndsBoundOnTheWorker() throws Exception {
        String session = newSession("disconnect");
        FakeWorker w1 = workers.get("w1");
        open(newSession("warm-up"), "w1").statusCode(200);
        w1.delay(Duration.ofMillis(400));
        String body = "{\"instance_id\":\"w1\"}";

        try (Socket router = new Socket("localhost", port)) {
            router.getOutputStream().write(("POST /v1/sessions/" + session + "/open HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            router.getOutputStream().flush();
            Eventually.await(Duration.ofSeconds(3), () -> "the open reached w1", () -> !w1.opens(session).isEmpty());
        } // the router goes away mid-RPC

        Eventually.await(Duration.ofSeconds(3), () -> session + " bound after its caller left",
                () -> get(session).extract().statusCode() == 200);
        assertTrue(w1.sessions().contains(session));
        get(session).body("kind", equalTo("engine_backed"));
    }
}
