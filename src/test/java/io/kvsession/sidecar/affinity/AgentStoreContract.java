package io.kvsession.sidecar.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.FakeClock;
import io.smallrye.mutiny.Uni;

/**
 * What every affinity store does for agentic traffic (SPEC §9), whether it lives in this process or in Redis:
 * requests in flight hold their sessions, parents know their children, and the limits of {@link Limits} refuse a
 * bind atomically. Each store runs these against its own implementation, with a clock that moves only when told
 * (a shared store sweeps in one-second buckets, so sweeps are awaited a little past the TTL).
 */
public abstract class AgentStoreContract {

    protected static final Duration TTL = Duration.ofSeconds(1);
    protected static final Duration GUARD = Duration.ofSeconds(10);
    /** 2 sessions per instance, trees 1 deep with 1 child per parent. */
    protected static final Limits TIGHT = new Limits(100, 2, 1, 1);

    protected final FakeClock clock = new FakeClock();
    protected final List<Binding> expired = new CopyOnWriteArrayList<>();

    /** A fresh, empty store with these limits, reporting expiries to {@link #expired}. */
    protected abstract AffinityStore store(Limits limits);

    @Test
    void aRequestInFlightHoldsItsSessionAndTheTtlCountsFromTheLastFinish() {
        AffinityStore store = store(Limits.entries(100));
        await(store.bind("s", "w1", BindingKind.ENGINE_BACKED, TTL, null));

        assertEquals(1, await(store.hold("s", "req-1", GUARD)).orElseThrow().inFlight());
        assertEquals(1, await(store.hold("s", "req-1", GUARD)).orElseThrow().inFlight(), "once per request");
        assertEquals(2, await(store.hold("s", "req-2", GUARD)).orElseThrow().inFlight());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(0, await(store.reap()));
        assertEquals(2, await(store.peek("s")).orElseThrow().inFlight());

        assertEquals(List.of("s"), await(store.release("req-1")));
        assertEquals(1, await(store.peek("s")).orElseThrow().inFlight());
        assertEquals(List.of("s"), await(store.release("req-2")));
        Binding idle = await(store.peek("s")).orElseThrow();
        assertEquals(0, idle.inFlight());
        assertEquals(clock.millis() + TTL.toMillis(), idle.expiresAtMillis(), "the TTL counts from the last finish");
        assertEquals(List.of(), await(store.release("req-2")), "a finish releases once");

        clock.advance(TTL.plusMillis(1));
        await(store.reap());
        assertTrue(await(store.peek("s")).isEmpty());
        assertEquals(List.of("s"), expired.stream().map(Binding::sessionId).toList());
    }

    @Test
    void aHoldPastItsGuardIsReleased() {
        AffinityStore store = store(Limits.entries(100));
        await(store.bind("s", "w1", BindingKind.ROUTER_ONLY, TTL, null));
        await(store.hold("s", "lost-request", Duration.ofSeconds(2)));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), await(store.releaseOverdue()));

        clock.advance(Duration.ofSeconds(2));
        assertEquals(List.of("lost-request"), await(store.releaseOverdue()));
        assertEquals(0, await(store.peek("s")).orElseThrow().inFlight());
        clock.advance(TTL.plusMillis(1));
        assertTrue(await(store.peek("s")).isEmpty());
    }

    @Test
    void holdsAreOfTheInstanceTheRequestWentTo() {
        AffinityStore store = store(Limits.entries(100));
        assertTrue(await(store.hold("unbound", "req", GUARD)).isEmpty());
        await(store.bind("s", "w1", BindingKind.ENGINE_BACKED, TTL, null));
        await(store.hold("s", "req", GUARD));
        assertEquals(1, await(store.bind("s", "w1", BindingKind.ENGINE_BACKED, TTL, null)).binding().inFlight(),
                "kept on the same instance");

        assertEquals(0, await(store.bind("s", "w2", BindingKind.ROUTER_ONLY, TTL, null)).binding().inFlight(),
                "requests on the old worker do not hold the new binding");
        await(store.release("req"));
        assertEquals(0, await(store.peek("s")).orElseThrow().inFlight());
    }

    @Test
    void parentsKnowTheirChildrenAndChildrenKeepTheirParent() {
        AffinityStore store = store(Limits.entries(100));
        await(store.bind("root", "w1", BindingKind.ENGINE_BACKED, TTL, null));
        Binding first = await(store.bind("first", "w2", BindingKind.ROUTER_ONLY, TTL, "root")).binding();
        await(store.bind("second", "w1", BindingKind.ENGINE_BACKED, TTL, "root"));

        assertEquals("root", first.parentSessionId());
        assertEquals(1, first.depth());
        assertNull(await(store.peek("root")).orElseThrow().parentSessionId());
        assertEquals(List.of("first", "second"), await(store.children("root")));
        assertEquals("root", await(store.bind("second", "w2", BindingKind.ROUTER_ONLY, TTL, null)).binding()
                .parentSessionId(), "a rebind without a parent keeps it");

        await(store.unbind("first"));
        assertEquals(List.of("second"), await(store.children("root")));
        clock.advance(TTL.plusSeconds(2));
        await(store.reap());
        assertEquals(List.of(), await(store.children("root")), "an expired child leaves its parent");
    }

    @Test
    void limitsRefuseABindAndChangeNothing() {
        AffinityStore store = store(TIGHT);
        await(store.bind("a", "w1", BindingKind.ENGINE_BACKED, TTL, null));
        await(store.bind("b", "w1", BindingKind.ENGINE_BACKED, TTL, null));

        assertRefused(BindRefusedException.Reason.INSTANCE_FULL, store.bind("c", "w1", BindingKind.ROUTER_ONLY,
                TTL, null));
        assertTrue(await(store.peek("c")).isEmpty());
        await(store.bind("a", "w1", BindingKind.ROUTER_ONLY, TTL, null));
        assertTrue(await(store.hasRoomOn("w2")));
        assertFalse(await(store.hasRoomOn("w1")));
        await(store.bind("a", "w2", BindingKind.ROUTER_ONLY, TTL, null));
        await(store.bind("c", "w1", BindingKind.ROUTER_ONLY, TTL, null));

        assertRefused(BindRefusedException.Reason.PARENT_UNBOUND, store.bind("x", "w2", BindingKind.ROUTER_ONLY,
                TTL, "nobody"));
        await(store.bind("child", "w3", BindingKind.ROUTER_ONLY, TTL, "a"));
        assertRefused(BindRefusedException.Reason.TOO_MANY_CHILDREN, store.bind("sibling", "w3",
                BindingKind.ROUTER_ONLY, TTL, "a"));
        assertRefused(BindRefusedException.Reason.TOO_DEEP, store.bind("grandchild", "w3", BindingKind.ROUTER_ONLY,
                TTL, "child"));
        assertEquals(List.of("child"), await(store.children("a")));

        clock.advance(TTL.plusMillis(1));
        assertRefused(BindRefusedException.Reason.PARENT_UNBOUND, store.bind("late", "w3", BindingKind.ROUTER_ONLY,
                TTL, "a"));
    }

    private static void assertRefused(BindRefusedException.Reason reason, Uni<Bound> bind) {
        BindRefusedException refused = assertThrows(BindRefusedException.class, () -> await(bind));
        assertEquals(reason, refused.reason(), refused.getMessage());
    }

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(5));
    }
}
