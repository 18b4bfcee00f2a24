package io.kvsession.sidecar.lifecycle;

import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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

/** Closes are retried across outages, and a caller that goes away cannot leak a worker session (SPEC §3.2, §3.4). */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class CloseReliabilityTest extends FakeWorkersTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aCloseRetriedAcrossAWorkerOutageArrivesOnceTheWorkerIsBack() throws InterruptedException {
        String session = newSession("outage");
        FakeWorker w3 = workers.get("w3");
        open(session, "w3").statusCode(200);
        double retriedBefore = Metrics.value("kvsession_lifecycle_calls_total", "operation=\"close\"",
                "outcome=\"retried\"");
        w3.stop();

        close(session, Map.of()).statusCode(202).body("engine_close", equalTo("scheduled"));
        Thread.sleep(1000);
        assertTrue(w3.closes(session).isEmpty());
        w3.start();

        Eventually.await(Duration.ofSeconds(4), () -> "the close of " + session + " after w3 came back",
                () -> !w3.sessions().contains(session) && !w3.closes(session).isEmpty());
        assertTrue(Metrics.value("kvsession_lifecycle_calls_total", "operation=\"close\"", "outcome=\"retried\"")
                > retriedBefore, "the failed attempts were counted as retried");
    }

    @Test
    void failingClosesAreRetriedWithBackoffUntilTheyLand() {
        String session = newSession("flaky-close");
        FakeWorker w2 = workers.get("w2");
        open(session, "w2").statusCode(200);
        w2.failCloses(3);

        close(session, Map.of()).statusCode(202);

        Eventually.await(Duration.ofSeconds(4), () -> "four close attempts on w2, got " + w2.closes(session).size(),
                () -> w2.closes(session).size() == 4 && !w2.sessions().contains(session));
    }

    @Test
    void anOpenWhoseCallerDisconnectsStillEndsBoundOnTheWorker() throws Exception {
        String session = newSession("disconnect");
        FakeWorker w1 = workers.get("w1");
        w1.delay(Duration.ofMillis(400));
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/sessions/"
                + session + "/open"))
                .header("content-type", "application/json")
                .timeout(Duration.ofMillis(100))
                .POST(HttpRequest.BodyPublishers.ofString("{\"instance_id\":\"w1\"}")).build();

        try {
            client.send(request, HttpResponse.BodyHandlers.ofString());
            throw new AssertionError("the client should have given up first");
        } catch (HttpTimeoutException gaveUp) {
            // the router went away mid-RPC
        }

        Eventually.await(Duration.ofSeconds(3), () -> session + " bound after its caller left",
                () -> get(session).extract().statusCode() == 200);
        assertTrue(w1.sessions().contains(session));
        get(session).body("kind", equalTo("engine_backed"));
    }
}
