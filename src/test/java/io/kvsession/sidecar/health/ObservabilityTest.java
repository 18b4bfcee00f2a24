package io.kvsession.sidecar.health;

import static io.kvsession.sidecar.support.Api.bind;
import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.route;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Management;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** What an operator sees: exact metric movements for a scripted sequence, readiness data, the API document. */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class ObservabilityTest extends FakeWorkersTest {

    private static final String CALLS = "kvsession_lifecycle_calls_total";

    @Test
    void aScriptedSequenceMovesTheCountersExactly() {
        Map<String, Double> before = snapshot();
        FakeWorker w1 = workers.get("w1");
        ReplicaDynamoWorker w2 = workers.dynamo("w2");

        String ok = newSession("m-ok");
        open(ok, "w1").statusCode(200);
        w2.rejectOpens(FakeWorker.REJECTION);
        open(newSession("m-rejected"), "w2").statusCode(502);
        w2.rejectOpens(null);
        w1.delayOpens(Duration.ofMillis(800));
        open(newSession("m-timeout"), "w1").statusCode(504);
        w1.delayOpens(Duration.ZERO);
        workers.get("w3").stop();
        open(newSession("m-unavailable"), "w3").statusCode(503);
        workers.get("w3").start();
        w1.failCloses(1);
        close(ok, Map.of()).statusCode(202);
        Eventually.await(Duration.ofSeconds(3), () -> "the retried close of " + ok, () -> !w1.sessions()
                .contains(ok));
        String expiring = newSession("m-expired");
        bind(expiring, Map.of("instance_id", "w3", "timeout_secs", 1)).statusCode(200);
        Eventually.await(Duration.ofSeconds(3), () -> "the expiry of " + expiring,
                () -> delta(before, "expired", "router_only") == 1);
        Map<String, Object> control = new HashMap<>();
        control.put("session_id", newSession("m-route"));
        control.put("action", null);
        route(Map.of("context_id", "c", "instance_id", "w1", "session_control", control)).statusCode(200);

        assertEquals(1, delta(before, "open", "ok"));
        assertEquals(1, delta(before, "open", "rejected"));
        assertEquals(1, delta(before, "open", "timeout"));
        assertEquals(1, delta(before, "open", "unavailable"));
        assertEquals(1, delta(before, "close", "retried"));
        assertEquals(0, delta(before, "close", "gave_up"));
        assertEquals(1, delta(before, "route", "sticky_miss"));
        assertEquals(0, delta(before, "route", "sticky_hit"));
        Eventually.await(Duration.ofSeconds(3), () -> "the close of " + ok + " and the timeout rollback counted",
                () -> delta(before, "close", "ok") >= 2);
    }

    @Test
    void gaugesAndWorkerHistogramsAreExposed() {
        String engine = newSession("g-engine");
        open(engine, "w2").statusCode(200);
        bind(newSession("g-router"), Map.of("instance_id", "w2")).statusCode(200);

        assertTrue(metric("kvsession_bindings", "kind=\"engine_backed\"") >= 1);
        assertTrue(metric("kvsession_bindings", "kind=\"router_only\"") >= 1);
        assertEquals(1, metric("kvsession_session_control", "state=\"available\""));
        assertEquals(0, metric("kvsession_session_control", "state=\"unavailable\""));
        assertEquals(1, metric("kvsession_worker_circuit", "instance=\"w2\"", "state=\"closed\""));
        assertEquals(0, metric("kvsession_worker_circuit", "instance=\"w2\"", "state=\"open\""));
        assertTrue(metric("kvsession_worker_rpc_seconds_count", "instance=\"w2\"", "action=\"open\"",
                "outcome=\"ok\"") >= 1);
        assertTrue(metric("kvsession_worker_rpc_seconds_bucket", "instance=\"w2\"", "action=\"open\"",
                "outcome=\"ok\"", "le=\"5.0\"") >= 1);
        assertEquals(0, metric("kvsession_closes_deferred"));
        String scrape = Management.get("/q/metrics").statusCode(200).extract().asString();
        assertTrue(!scrape.contains(engine), "no session id in any label");
    }

    @Test
    void readinessCarriesSessionControlAndWorkerState() {
        open(newSession("ready"), "w1").statusCode(200);

        Management.get("/q/health/ready").statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'kvsession-sidecar' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'kvsession-sidecar' }.data.session_control", equalTo("available"))
                .body("checks.find { it.name == 'kvsession-sidecar' }.data.bindings_max", equalTo(65536))
                .body("checks.find { it.name == 'kvsession-sidecar' }.data.'worker.w1.circuit'", equalTo("closed"))
                .body("checks.find { it.name == 'kvsession-sidecar' }.data.'worker.w1.healthy'", equalTo("true"));
        Management.get("/q/health/live").statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void theApiDocumentListsEveryPathAndErrorStatus() {
        Map<String, List<String>> expected = Map.of(
                "/v1/sessions/{session_id}/open", List.of("post", "200", "400", "401", "404", "409", "429", "502",
                        "503", "504"),
                "/v1/sessions/{session_id}/bind", List.of("post", "200", "400", "401", "404", "429"),
                "/v1/sessions/{session_id}", List.of("get", "200", "400", "401", "404"),
                "/v1/sessions/{session_id}/close", List.of("post", "202", "400", "401", "404"),
                "/v1/sessions", List.of("get", "200", "400", "401"),
                "/v1/route", List.of("post", "200", "400", "401", "404", "409", "429", "502", "503", "504"),
                "/v1/requests/{context_id}/finish", List.of("post", "200", "400", "401"),
                "/v1/workers", List.of("get", "200", "401"));
        var document = Management.get("/q/openapi?format=json").statusCode(200).extract().jsonPath();

        expected.forEach((path, operation) -> {
            String method = operation.get(0);
            Map<String, Object> responses = document.getMap("paths.'" + path + "'." + method + ".responses");
            assertTrue(responses != null, "documented: " + method + " " + path);
            for (String status : operation.subList(1, operation.size())) {
                assertTrue(responses.containsKey(status), method + " " + path + " documents " + status);
            }
        });
        assertEquals("application/problem+json", document.getMap("components.responses.Conflict.content")
                .keySet().iterator().next());
        assertTrue(document.getMap("components.schemas.Session.properties").containsKey("expires_at"));
        assertTrue(document.getMap("components.schemas.OpenRequest.properties").containsKey("timeout_secs"));
    }

    private static double metric(String name, String... labels) {
        return io.kvsession.sidecar.support.Metrics.value(name, labels);
    }

    private static double delta(Map<String, Double> before, String operation, String outcome) {
        return metric(CALLS, "operation=\"" + operation + "\"", "outcome=\"" + outcome + "\"")
                - before.getOrDefault(operation + "/" + outcome, 0.0);
    }

    private static Map<String, Double> snapshot() {
        Map<String, Double> values = new HashMap<>();
        for (String key : List.of("open/ok", "open/rejected", "open/timeout", "open/unavailable", "close/ok",
                "close/retried", "close/gave_up", "expired/router_only", "route/sticky_miss", "route/sticky_hit")) {
            String[] parts = key.split("/");
            values.put(key, metric(CALLS, "operation=\"" + parts[0] + "\"", "outcome=\"" + parts[1] + "\""));
        }
        return values;
    }
}
