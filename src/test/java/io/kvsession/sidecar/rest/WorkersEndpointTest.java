package io.kvsession.sidecar.rest;

import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.workers;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class WorkersEndpointTest extends FakeWorkersTest {

    @Test
    void workersShowProtocolHealthCircuitAndSessions() {
        open("workers-" + UUID.randomUUID(), "w2").statusCode(200);

        workers().statusCode(200)
                .body("session_control", equalTo("available"))
                .body("workers.instance_id", contains("w1", "w2", "w3"))
                .body("workers[0].protocol", equalTo("sglang"))
                .body("workers[1].protocol", equalTo("dynamo"))
                .body("workers[1].url", equalTo(workers.dynamo("w2").url()))
                .body("workers[1].capability", equalTo("streaming"))
                .body("workers[1].healthy", equalTo(true))
                .body("workers[1].circuit", equalTo("closed"))
                .body("workers[1].sessions", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }
}
