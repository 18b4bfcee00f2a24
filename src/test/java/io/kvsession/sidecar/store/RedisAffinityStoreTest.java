package io.kvsession.sidecar.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.BindRefusedException;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.affinity.BindingPage;
import io.kvsession.sidecar.affinity.Bound;
import io.kvsession.sidecar.affinity.Limits;
import io.kvsession.sidecar.support.FakeClock;

/**
 * The redis store against a real Redis, with the time of a clock that moves only when told: the same rules as the
 * memory table, shared by two stores as two replicas share one Redis.
 */
class RedisAffinityStoreTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static RedisFixture redis;

    private final FakeClock clock = new FakeClock();
    private final List<Binding> expired = new CopyOnWriteArrayList<>();
    private RedisAffinityStore store;
    private RedisAffinityStore replica;

    @BeforeAll
    static void startRedis() {
        redis = new RedisFixture();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void emptyStores() throws Exception {
        redis.flush();
        store = redis.stores().affinity(clock, Limits.entries(100), expired::add);
        replica = redis.stores().affinity(clock, Limits.entries(100), expired::add);
    }

    @Test
    void aBindingIsSeenByEveryReplicaWithItsDeadline() {
        Binding bound = await(store.bind("s1", "10.0.3.7:30000", BindingKind.ENGINE_BACKED, TTL, null)).binding();

        Binding seen = await(replica.peek("s1")).orElseThrow();
        assertEquals(bound, seen);
        assertEquals("10.0.3.7:30000", seen.instanceId());
        assertEquals(BindingKind.ENGINE_BACKED, seen.kind());
        assertEquals(clock.instant().plus(TTL), seen.expiresAt());
        assertEquals(Map.of("10.0.3.7:30000", 1), await(replica.countByInstance()));
    }

    @Test
    void touchSlidesTheDeadlineButPeekDoesNot() {
        await(store.bind("s1", "w1", BindingKind.ROUTER_ONLY, TTL, null));
        clock.advance(Duration.ofSeconds(8));
        assertEquals(clock.instant().plusSeconds(2), await(store.peek("s1")).orElseThrow().expiresAt());

        await(replica.touch("s1"));
        clock.advance(Duration.ofSeconds(8));
        assertTrue(await(store.peek("s1")).isPresent(), "a touch 8 s ago renewed the 10 s TTL");

        clock.advance(Duration.ofSeconds(2));
        assertTrue(await(store.touch("s1")).isEmpty(), "10 s after the last touch it lapses");
        assertTrue(await(replica.peek("s1")).isEmpty());
        assertEquals(List.of("s1"), sessions(expired), "reported once, by the replica that found it");
    }

    @Test
    void eachExpiredBindingIsReportedOnceWhateverReplicaSweeps() throws Exception {
        for (int i = 0; i < 40; i++) {
            await(store.bind("short-" + i, "w1", BindingKind.ENGINE_BACKED, Duration.ofSeconds(1), null));
            await(store.bind("long-" + i, "w2", BindingKind.ROUTER_ONLY, Duration.ofSeconds(600), null));
        }
        clock.advance(Duration.ofSeconds(12));

        CompletableFuture<Integer> one = store.reap().subscribeAsCompletionStage();
        CompletableFuture<Integer> other = replica.reap().subscribeAsCompletionStage();

        assertEquals(40, one.get() + other.get());
        assertEquals(40, expired.size());
        assertTrue(expired.stream().allMatch(binding -> binding.sessionId().startsWith("short-")));
        assertEquals(40L, expired.stream().map(Binding::sessionId).distinct().count(), "none reported twice");
        assertEquals(Map.of("w2", 40), await(store.countByInstance()));
        assertEquals(0, await(store.reap()));
        assertEquals(40, store.counts().bindings());
        assertEquals(40, store.counts().routerOnly());
    }

    @Test
    void aRenewedBindingIsReviewedAgainAtItsNewDeadline() {
        await(store.bind("s1", "w1", BindingKind.ENGINE_BACKED, TTL, null));
        clock.advance(Duration.ofSeconds(9));
        await(store.touch("s1"));
        clock.advance(Duration.ofSeconds(7));

        assertEquals(0, await(store.reap()), "due bucket reviewed: renewed, not expired");
        clock.advance(Duration.ofSeconds(8));
        assertEquals(1, await(replica.reap()), "expired at its new deadline");
        assertEquals(List.of("s1"), sessions(expired));
    }

    @Test
    void aRebindGetsANewRevisionAndAnOldRevisionCannotRemoveIt() {
        Binding first = await(store.bind("s1", "w1", BindingKind.ENGINE_BACKED, TTL, null)).binding();
        Bound second = await(replica.bind("s1", "w2", BindingKind.ROUTER_ONLY, TTL, null));

        assertEquals(first, second.replaced().orElseThrow());
        assertTrue(second.binding().revision() > first.revision());
        assertFalse(await(store.unbind(first)), "a stale revision removes nothing");
        assertEquals("w2", await(store.peek("s1")).orElseThrow().instanceId());
        assertTrue(await(store.unbind(second.binding())));
        assertTrue(await(replica.peek("s1")).isEmpty());
        assertEquals(Map.of(), await(store.countByInstance()));
    }

    @Test
    void aFullStoreRefusesNewSessionsUntilOneExpires() {
        RedisAffinityStore small = redis.stores().affinity(clock, Limits.entries(2), expired::add);
        await(small.bind("a", "w1", BindingKind.ENGINE_BACKED, Duration.ofSeconds(1), null));
        await(small.bind("b", "w1", BindingKind.ENGINE_BACKED, TTL, null));

        assertThrows(BindRefusedException.class,
                () -> await(small.bind("c", "w1", BindingKind.ROUTER_ONLY, TTL, null)));
        assertFalse(await(small.hasRoom()));
        await(small.bind("b", "w2", BindingKind.ROUTER_ONLY, TTL, null));

        clock.advance(Duration.ofSeconds(12));
        assertTrue(await(small.hasRoom()), "sweeping made room");
        await(small.bind("c", "w1", BindingKind.ROUTER_ONLY, TTL, null));
        assertEquals(List.of("a", "b"), sessions(expired));
    }

    @Test
    void pagesAreOrderedBySessionAndFilteredByInstance() {
        for (String id : List.of("d", "b", "a", "c", "e")) {
            await(store.bind(id, id.equals("a") || id.equals("d") ? "w2" : "w1", BindingKind.ROUTER_ONLY, TTL, null));
        }

        BindingPage first = await(replica.page(null, 2, null));
        assertEquals(List.of("a", "b"), sessions(first.bindings()));
        assertTrue(first.more());
        BindingPage last = await(replica.page("d", 2, null));
        assertEquals(List.of("e"), sessions(last.bindings()));
        assertFalse(last.more());
        assertEquals(List.of("a", "d"), sessions(await(replica.page(null, 10, "w2")).bindings()));
        assertEquals(java.util.Set.of("a", "d"), java.util.Set.copyOf(sessions(await(replica.bindingsOf("w2")))));
    }

    @Test
    void anUnreachableStoreIs503NamingItAndBindingsOutliveARestart() {
        await(store.bind("kept", "w1", BindingKind.ENGINE_BACKED, TTL, null));
        redis.server().stop();
        try {
            SidecarException down = assertThrows(SidecarException.class, () -> await(store.peek("kept")));
            assertEquals(Failure.STORE_UNAVAILABLE, down.failure());
            assertTrue(down.getMessage().contains("redis at redis://127.0.0.1"), down.getMessage());
            assertFalse(store.reachable());
        } finally {
            redis.server().start();
        }
        Binding kept = pollUntilUp(() -> await(store.peek("kept"))).orElseThrow();
        assertEquals("w1", kept.instanceId());
        assertTrue(store.reachable());
    }

    private static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    private static <T> T pollUntilUp(java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (SidecarException stillDown) {
                if (System.nanoTime() > deadline) {
                    throw stillDown;
                }
                io.kvsession.sidecar.support.Eventually.pause(Duration.ofMillis(50));
            }
        }
    }

    private static List<String> sessions(List<Binding> bindings) {
        List<String> ids = new ArrayList<>();
        bindings.forEach(binding -> ids.add(binding.sessionId()));
        return ids;
    }
}
