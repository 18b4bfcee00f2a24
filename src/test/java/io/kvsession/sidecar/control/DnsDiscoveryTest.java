package io.kvsession.sidecar.control;

import static io.kvsession.sidecar.support.Api.get;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.route;
import static io.kvsession.sidecar.support.Api.workers;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.DiscoveryResource.Discovered;
import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.Metrics;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Instances from DNS records, alongside a static one, that come and go as the records change. */
@QuarkusTest
@TestProfile(Profiles.Discovered.class)
class DnsDiscoveryTest {

    Discovered discovered;

    @BeforeEach
    void initialRecords() {
        discovered.dns().answerAaaa(true);
        discovered.publish("127.0.0.2", "127.0.0.3");
        awaitWorkers("127.0.0.2", "127.0.0.3");
    }

    @Test
    void discoveredAndStaticInstancesServeOpens() {
        String session = newSession("dns-open");
        String id = discovered.id("127.0.0.3");

        open(session, id).statusCode(200).body("kind", equalTo("engine_backed")).body("instance_id", equalTo(id));
        open(newSession("static"), "static-w").statusCode(200).body("kind", equalTo("engine_backed"));

        assertEquals(1, discovered.workers().get("127.0.0.3").opens(session).size());
        assertTrue(discovered.workers().get("127.0.0.2").opens(session).isEmpty());
        workers().body("workers.find { it.instance_id == '" + id + "' }.url",
                equalTo("http://127.0.0.3:" + discovered.port()));
    }

    @Test
    void aRemovedInstanceLosesItsBindingsAndRoutesFallBackToThePick() {
        String session = newSession("dns-gone");
        String gone = discovered.id("127.0.0.2");
        String stays = discovered.id("127.0.0.3");
        FakeWorker leaving = discovered.workers().get("127.0.0.2");
        open(session, gone).statusCode(200);
        double dropped = Metrics.value("kvsession_lifecycle_calls_total", "operation=\"unbind\"",
                "outcome=\"instance_gone\"");
        assertTrue(Metrics.scrape().contains("instance=\"" + gone + "\""), "the worker has its series");

        discovered.publish("127.0.0.3", "127.0.0.4");
        awaitWorkers("127.0.0.3", "127.0.0.4");
        assertFalse(Metrics.scrape().contains(gone), () -> "no series of the removed worker is left behind: "
                + Metrics.scrape().lines().filter(line -> line.contains(gone)).toList());

        get(session).statusCode(404);
        assertEquals(dropped + 1, Metrics.value("kvsession_lifecycle_calls_total", "operation=\"unbind\"",
                "outcome=\"instance_gone\""));
        Eventually.await(Duration.ofSeconds(3), () -> "the KV session closed on the worker that left DNS",
                () -> !leaving.sessions().contains(session));
        Map<String, Object> control = new HashMap<>();
        control.put("session_id", session);
        control.put("action", null);
        route(Map.of("context_id", "c", "instance_id", stays, "session_control", control)).statusCode(200)
                .body("instance_id", equalTo(stays))
                .body("sticky", equalTo(false));
        open(newSession("gone"), gone).statusCode(404);
        open(newSession("new"), discovered.id("127.0.0.4")).statusCode(200);
    }

    @Test
    void aLookupThatGoesUnansweredChangesNothing() throws InterruptedException {
        discovered.dns().answerAaaa(false);
        discovered.publish("127.0.0.4");

        // Several refreshes (every 200 ms) whose AAAA query times out (300 ms) while A answers with other records.
        Thread.sleep(1200);
        awaitWorkers("127.0.0.2", "127.0.0.3");
        discovered.dns().answerAaaa(true);
        awaitWorkers("127.0.0.4");
    }

    @Test
    void aNameThatDisappearsLeavesOnlyTheStaticInstance() {
        discovered.publish();
        awaitWorkers();
        workers().body("workers.instance_id", equalTo(List.of("static-w")));
    }

    /** Waits until the workers are exactly these discovered addresses and the static one. */
    private void awaitWorkers(String... addresses) {
        List<String> expected = new ArrayList<>(Stream.of(addresses).map(discovered::id).toList());
        expected.add("static-w");
        Eventually.await(Duration.ofSeconds(3), () -> "workers " + expected, () -> {
            List<String> ids = workers().statusCode(200).extract().jsonPath().getList("workers.instance_id");
            return ids.size() == expected.size() && ids.containsAll(expected);
        });
    }
}
