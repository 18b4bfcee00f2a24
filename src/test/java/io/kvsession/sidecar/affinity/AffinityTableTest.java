package io.kvsession.sidecar.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.FakeClock;

class AffinityTableTest {

    private static final Duration TTL = Duration.ofSeconds(10);

    private final FakeClock clock = new FakeClock();
    private final List<Binding> expired = new ArrayList<>();
    private AffinityTable table = new AffinityTable(clock, Limits.entries(100), expired::add);

    @Test
    void bindThenPeekReturnsTheBindingWithItsDeadline() {
        Binding bound = table.bind("s1", "w1", BindingKind.ENGINE_BACKED, TTL, null).binding();

        Binding seen = table.peek("s1").orElseThrow();
        assertEquals(bound, seen);
        assertEquals("w1", seen.instanceId());
        assertEquals(BindingKind.ENGINE_BACKED, seen.kind());
        assertEquals(clock.instant().plus(TTL), seen.expiresAt());
        assertEquals(1, table.count(BindingKind.ENGINE_BACKED));
        assertEquals(0, table.count(BindingKind.ROUTER_ONLY));
    }

    @Test
    void touchSlidesTheDeadlineButPeekDoesNot() {
        table.bind("s1", "w1", BindingKind.ROUTER_ONLY, TTL, null);
        clock.advance(Duration.ofSeconds(8));
        assertEquals(clock.instant().plusSeconds(2), table.peek("s1").orElseThrow().expiresAt());

        table.touch("s1");
        clock.advance(Duration.ofSeconds(8));
        assertTrue(table.peek("s1").isPresent(), "a touch 8 s ago renewed the 10 s TTL");
        assertEquals(0, table.reap());

        clock.advance(Duration.ofSeconds(2));
        assertTrue(table.peek("s1").isEmpty(), "10 s after the last touch it lapses");
        assertEquals(List.of("s1"), expired.stream().map(Binding::sessionId).toList());
    }

    @Test
    void lazyExpiryOnLookupReportsOnceAndReaperDoesNotReportAgain() {
        table.bind("s1", "w1", BindingKind.ENGINE_BACKED, TTL, null);
        clock.advance(TTL);

        assertTrue(table.peek("s1").isEmpty());
        assertTrue(table.touch("s1").isEmpty());
        assertEquals(0, table.reap());
        assertEquals(1, expired.size());
        assertEquals(0, table.size());
    }

    @Test
    void reaperRemovesOnlyWhatHasExpiredAndReportsEach() {
        for (int i = 0; i < 10; i++) {
            table.bind("short-" + i, "w1", BindingKind.ENGINE_BACKED, Duration.ofSeconds(1), null);
            table.bind("long-" + i, "w2", BindingKind.ROUTER_ONLY, Duration.ofSeconds(60), null);
        }
        clock.advance(Duration.ofSeconds(1));

        assertEquals(10, table.reap());
        assertEquals(10, expired.size());
        assertTrue(expired.stream().allMatch(b -> b.sessionId().startsWith("short-")));
        assertEquals(10, table.size());
        assertEquals(0, table.count(BindingKind.ENGINE_BACKED));
        assertEquals(10, table.count(BindingKind.ROUTER_ONLY));
        assertEquals(0, table.reap(), "a second sweep finds nothing");
    }

    @Test
    void rebindGetsANewRevisionAndReportsTheReplacedBinding() {
        Binding first = table.bind("s1", "w1", BindingKind.ENGINE_BACKED, TTL, null).binding();
        Bound second = table.bind("s1", "w2", BindingKind.ROUTER_ONLY, TTL, null);

        assertEquals(Optional.of(first), second.replaced());
        assertTrue(second.binding().revision() > first.revision());
        assertEquals("w2", table.peek("s1").orElseThrow().instanceId());
        assertEquals(1, table.size());
    }

    @Test
    void staleRevisionNeverRemovesANewerBinding() {
        Binding old = table.bind("s1", "w1", BindingKind.ROUTER_ONLY, TTL, null).binding();
        table.bind("s1", "w2", BindingKind.ROUTER_ONLY, TTL, null);

        assertFalse(table.unbind("s1", old.revision()));
        assertEquals("w2", table.peek("s1").orElseThrow().instanceId());
    }

    @Test
    void rebindOverAnExpiredBindingReportsItAsExpiredNotReplaced() {
        table.bind("s1", "w1", BindingKind.ENGINE_BACKED, TTL, null);
        clock.advance(TTL);

        Bound bound = table.bind("s1", "w1", BindingKind.ENGINE_BACKED, TTL, null);

        assertTrue(bound.replaced().isEmpty());
        assertEquals(1, expired.size());
        assertTrue(table.peek("s1").isPresent());
    }

    @Test
    void expiredDeadlinesOfReboundSessionsDoNotExpireTheNewBinding() {
        table.bind("s1", "w1", BindingKind.ROUTER_ONLY, Duration.ofSeconds(1), null);
        table.bind("s1", "w1", BindingKind.ROUTER_ONLY, Duration.ofSeconds(60), null);
        clock.advance(Duration.ofSeconds(2));

        assertEquals(0, table.reap());
        assertTrue(table.peek("s1").isPresent());
        assertTrue(expired.isEmpty());
    }

    @Test
    void aRebindWithAShorterTtlIsSweptAtTheShorterDeadline() {
        table.bind("s1", "w1", BindingKind.ROUTER_ONLY, Duration.ofSeconds(60), null);
        table.bind("s1", "w1", BindingKind.ROUTER_ONLY, Duration.ofSeconds(1), null);
        clock.advance(Duration.ofSeconds(1));

        assertEquals(1, table.reap());
        assertEquals(List.of("s1"), expired.stream().map(Binding::sessionId).toList());
    }

    @Test
    void aBusySessionIsReviewedOncePerTtlAndExpiresOnlyAfterItsLastTouch() {
        table.bind("s1", "w1", BindingKind.ENGINE_BACKED, TTL, null);
        for (int second = 1; second <= 25; second++) {
            clock.advance(Duration.ofSeconds(1));
            table.touch("s1");
            assertEquals(0, table.reap(), "touched every second, alive at " + second + " s");
        }
        clock.advance(TTL.minusMillis(1));
        assertEquals(0, table.reap());
        clock.advance(Duration.ofMillis(1));

        assertEquals(1, table.reap());
        assertEquals(0, table.size());
        assertEquals(0, table.reap(), "no entry of it is left in the index");
    }

    @Test
    void fullTableRefusesNewSessionsButNotRebinds() {
        table = new AffinityTable(clock, Limits.entries(2), expired::add);
        table.bind("s1", "w1", BindingKind.ROUTER_ONLY, TTL, null);
        table.bind("s2", "w1", BindingKind.ROUTER_ONLY, TTL, null);

        assertThrows(BindRefusedException.class, () -> table.bind("s3", "w1", BindingKind.ROUTER_ONLY, TTL, null));
        assertTrue(table.peek("s3").isEmpty());
        table.bind("s2", "w2", BindingKind.ENGINE_BACKED, TTL, null);
        assertEquals(2, table.size());
    }

    @Test
    void fullTableMakesRoomByReapingExpiredBindings() {
        table = new AffinityTable(clock, Limits.entries(2), expired::add);
        table.bind("s1", "w1", BindingKind.ROUTER_ONLY, Duration.ofSeconds(1), null);
        table.bind("s2", "w1", BindingKind.ROUTER_ONLY, TTL, null);
        clock.advance(Duration.ofSeconds(1));

        table.bind("s3", "w1", BindingKind.ROUTER_ONLY, TTL, null);

        assertEquals(2, table.size());
        assertEquals(List.of("s1"), expired.stream().map(Binding::sessionId).toList());
    }

    @Test
    void unbindReturnsTheRemovedBinding() {
        table.bind("s1", "w1", BindingKind.ENGINE_BACKED, TTL, null);

        assertEquals("w1", table.unbind("s1").orElseThrow().instanceId());
        assertTrue(table.unbind("s1").isEmpty());
        assertEquals(0, table.size());
        assertEquals(0, table.count(BindingKind.ENGINE_BACKED));
        assertEquals(0, table.reap(), "the deadline left with the binding");
    }

    @Test
    void pagesAreOrderedBySessionIdFilteredAndSkipExpired() {
        for (String id : List.of("e", "c", "a", "d", "b")) {
            table.bind(id, "a".equals(id) || "d".equals(id) ? "w2" : "w1", BindingKind.ROUTER_ONLY, TTL, null);
        }
        table.bind("z", "w1", BindingKind.ROUTER_ONLY, Duration.ofSeconds(1), null);
        clock.advance(Duration.ofSeconds(1));

        BindingPage first = table.page(null, 2, null);
        assertEquals(List.of("a", "b"), ids(first));
        assertTrue(first.more());
        BindingPage second = table.page("b", 2, null);
        assertEquals(List.of("c", "d"), ids(second));
        BindingPage last = table.page("d", 2, null);
        assertEquals(List.of("e"), ids(last));
        assertFalse(last.more());
        assertEquals(List.of("a", "d"), ids(table.page(null, 10, "w2")));
    }

    @Test
    void countsLiveBindingsPerInstance() {
        table.bind("s1", "w1", BindingKind.ROUTER_ONLY, TTL, null);
        table.bind("s2", "w1", BindingKind.ENGINE_BACKED, TTL, null);
        table.bind("s3", "w2", BindingKind.ENGINE_BACKED, Duration.ofSeconds(1), null);
        clock.advance(Duration.ofSeconds(1));

        assertEquals(Map.of("w1", 2), table.countByInstance());
    }

    private static List<String> ids(BindingPage page) {
        return page.bindings().stream().map(Binding::sessionId).toList();
    }
}
