package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.FakeWorkers;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The lazy client: nothing talks to workers before the first lifecycle call, then one probe serves all callers. */
@QuarkusTest
@TestProfile(Profiles.Untouched.class)
class FirstUseTest {

    FakeWorkers workers;

    @Test
    void nothingBeforeTheFirstCallThenOneProbeForConcurrentFirstCallers() {
        assertEquals(0, workers.get("w1").healthChecks() + workers.get("w3").healthChecks(),
                "no worker was contacted at start");
        assertTrue(workers.dynamo("w2").rpcs().isEmpty(), "no call reached the Dynamo worker at start");
        assertEquals(0, workers.get("w1").serverInfoReads() + workers.get("w3").serverInfoReads(),
                "no server info was read at start");

        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String session = newSession("first-" + i);
                calls.add(CompletableFuture.supplyAsync(() -> open(session, "w1").extract().path("kind"), clients));
            }
            calls.forEach(call -> assertEquals("engine_backed", call.join()));
        } finally {
            clients.shutdownNow();
        }

        for (String worker : List.of("w1", "w3")) {
            int checks = workers.get(worker).healthChecks();
            assertTrue(checks <= 1, "one probe, not one per caller: " + worker + " was checked " + checks + " times");
        }
    }
}
