package io.kvsession.sidecar.control;

import static io.kvsession.sidecar.support.Api.close;
import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.Api.open;
import static io.kvsession.sidecar.support.Api.workers;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorker;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Management;
import io.kvsession.sidecar.support.Profiles;
import io.kvsession.sidecar.support.SglangBehaviour.ServerInfoRoutes;
import io.kvsession.sidecar.support.SglangBehaviour.SessionMode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Workers that answer as SGLang's own server does (SPEC §6 {@code sglang}): slow health, session capability from
 * server info, the streaming-disabled refusal, and radix-cache sessions.
 */
@QuarkusTest
@TestProfile(Profiles.SglangModes.class)
class SglangCapabilityTest extends FakeWorkersTest {

    @BeforeEach
    void modes() {
        workers.get("slow").healthDelay(Duration.ofMillis(1500));
        workers.get("plain").sessionMode(SessionMode.NONE);
        workers.get("flip").sessionMode(SessionMode.NONE);
        workers.get("radix").sessionMode(SessionMode.RADIX);
        workers.get("legacy").sessionMode(SessionMode.NONE).sglang().serverInfoRoutes(ServerInfoRoutes.NONE);
    }

    @Test
    void aWorkerWhoseHealthTakesOneAndAHalfSecondsStillGetsEngineSessions() {
        String session = newSession("slow-health");
        FakeWorker slow = workers.get("slow");

        open(session, "slow").statusCode(200)
                .body("kind", equalTo("engine_backed"))
                .body("engine_session", equalTo(true));

        assertEquals(1, slow.opens(session).size(), "the worker received /open_session");
        assertTrue(slow.sessions().contains(session));
        assertEquals(Boolean.TRUE, slow.opens(session).get(0).body().getBoolean("streaming"));
        workers().body("session_control", equalTo("available"))
                .body("workers.find { it.instance_id == 'slow' }.capability", equalTo("streaming"));
    }

    @Test
    void aWorkerWithoutSessionsBindsAffinityOnlyWithoutAnRpc() {
        String session = newSession("plain");

        open(session, "plain").statusCode(200)
                .body("kind", equalTo("router_only"))
                .body("engine_session", equalTo(false));

        assertTrue(workers.get("plain").opens(session).isEmpty(), "its server info said: no sessions");
        assertEquals("none", capability("plain"));
    }

    @Test
    void aWorkerThatRefusesStreamingSessionsDegradesInsteadOfFailing() {
        String first = newSession("legacy");
        FakeWorker legacy = workers.get("legacy");

        open(first, "legacy").statusCode(200)
                .body("kind", equalTo("router_only"))
                .body("engine_session", equalTo(false));
        assertEquals(1, legacy.opens(first).size(), "without server info the open is tried");
        assertEquals("none", capability("legacy"), "the refusal taught the sidecar");

        String second = newSession("legacy-again");
        open(second, "legacy").statusCode(200).body("kind", equalTo("router_only"));
        assertTrue(legacy.opens(second).isEmpty(), "no second refused RPC");
    }

    @Test
    void radixCacheSessionsOpenWithoutStreamingOrTimeoutAndCloseDropsTheirReferences() {
        String session = newSession("radix");
        FakeWorker radix = workers.get("radix");

        open(session, Map.of("instance_id", "radix", "timeout_secs", 600)).statusCode(200)
                .body("kind", equalTo("engine_backed"));

        var sent = radix.opens(session).get(0).body();
        assertFalse(sent.containsKey("streaming"), "a radix-only server refuses streaming opens");
        assertFalse(sent.containsKey("timeout"), "a worker-side idle timeout would drop references in use");
        assertEquals(65536, sent.getInteger("capacity_of_str_len"));
        assertNull(radix.sglang().timeoutOf(session));
        assertTrue(radix.sessions().contains(session));

        close(session, Map.of()).statusCode(202).body("engine_close", equalTo("scheduled"));
        Eventually.await(Duration.ofSeconds(3), () -> "the radix session closed and tombstoned",
                () -> radix.sglang().tombstoned(session) && !radix.sessions().contains(session));

        open(session, "radix").statusCode(200).body("kind", equalTo("engine_backed"));
        assertFalse(radix.sglang().tombstoned(session), "a reused id is registered again by the open");
    }

    @Test
    void capabilityIsReadAgainWhenAWorkerRestartsWithOtherFlags() {
        FakeWorker flip = workers.get("flip");
        open(newSession("before"), "flip").statusCode(200).body("kind", equalTo("router_only"));

        flip.restart(Duration.ZERO);
        flip.sessionMode(SessionMode.STREAMING);

        Eventually.await(Duration.ofSeconds(8), () -> "engine sessions on flip once it offers them",
                () -> "engine_backed".equals(open(newSession("after"), "flip").extract().path("kind")));
        assertEquals("streaming", capability("flip"));
        Management.get("/q/health/ready").statusCode(200)
                .body("checks.find { it.name == 'kvsession-sidecar' }.data.'worker.flip.capability'",
                        equalTo("streaming"));
    }

    private static String capability(String instanceId) {
        return workers().extract().path("workers.find { it.instance_id == '" + instanceId + "' }.capability");
    }
}
