package io.kvsession.sidecar.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.store.CloseLedger.Entry;
import io.smallrye.mutiny.Uni;

/** Closes written down in a real Redis, as two replicas share them (SPEC §8.5). */
class RedisCloseLedgerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static RedisFixture redis;

    private CloseLedger a;
    private CloseLedger b;

    @BeforeAll
    static void startRedis() {
        redis = new RedisFixture();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void twoReplicas() {
        redis.flush();
        a = redis.stores().closes();
        b = redis.stores().closes();
    }

    @Test
    void aReopenOnOneReplicaCallsOffTheCloseAnotherHoldsOrRetries() {
        await(b.held("last-turn", entry("held"), 10_000));
        await(b.pending(entry("retrying"), 0));

        assertTrue(await(a.cancel("held", "w1", 1_000)), "a held close was owed");
        assertTrue(await(a.cancel("retrying", "w1", 1_000)), "a pending close was owed");
        assertFalse(await(a.cancel("never-closed", "w1", 1_000)));

        assertTrue(await(b.calledOff("held", "w1", 999)), "held before the re-open: called off");
        assertTrue(await(b.calledOff("retrying", "w1", 500)));
        assertFalse(await(b.calledOff("held", "w1", 1_000)), "not by a re-open before it was held");
        assertFalse(await(b.calledOff("never-closed", "w1", 0)));
        assertEquals(List.of(), await(b.release("last-turn")), "a finish releases no called-off close");
        assertFalse(await(a.cancel("retrying", "w1", 1_500)), "a second re-open finds nothing owed");
        await(b.pending(entry("held"), 999));
        assertTrue(await(b.calledOff("held", "w1", 999)), "a close owed from before the re-open is not written");
        await(b.pending(entry("held"), 1_001));
        assertFalse(await(b.calledOff("held", "w1", 999)), "a close owed since after it is");
    }

    @Test
    void aCloseHeldAfterTheReopenIsOwedAgain() {
        await(b.held("first", entry("s"), 10_000));
        await(a.cancel("s", "w1", 1_000));

        await(b.held("second", entry("s"), 10_000));

        assertEquals(List.of("s"), await(a.release("second")).stream().map(Entry::sessionId).toList());
    }

    private static Entry entry(String sessionId) {
        return new Entry(sessionId, "w1", 30_000, "ctx", "finish", false);
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }
}
