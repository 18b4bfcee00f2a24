package io.kvsession.sidecar.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;

/** Closes held for a request, on a clock that moves only when told. */
class DeferredClosesTest {

    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Duration MAX_WAIT = Duration.ofSeconds(2);

    private final ManualTimers timers = new ManualTimers();
    private final List<LifecycleEvent> events = new CopyOnWriteArrayList<>();
    private final ClosePolicy policy = new ClosePolicy(Duration.ofMillis(100), Duration.ofMillis(400),
            Duration.ofSeconds(1), Duration.ofSeconds(1), 100, 10, 3, MAX_WAIT);
    private final CloseScheduler scheduler = new CloseScheduler(timers, events::add, policy,
            CloseListener.NONE);
    private final DeferredCloses deferred = new DeferredCloses(scheduler, timers, events::add, policy);
    private final ScriptedHost worker = new ScriptedHost("w1", timers);

    @Test
    void aHeldCloseWaitsForItsRequestToFinish() {
        deferred.defer("ctx-1", "s1", worker, TTL);
        timers.advance(MAX_WAIT.minusMillis(1));
        assertTrue(worker.received().isEmpty(), "the request is still running");

        assertEquals(List.of("s1"), deferred.finish("ctx-1"));

        assertEquals(1, worker.received("s1").size());
        assertEquals(List.of(), deferred.finish("ctx-1"), "a second finish releases nothing");
        timers.advance(MAX_WAIT);
        assertEquals(1, worker.received("s1").size(), "the guard was cancelled");
        assertEquals(0, deferred.pendingCount());
    }

    @Test
    void aCloseWhoseRequestNeverFinishesRunsAfterTheGuardsMaxWait() {
        deferred.defer("never-finishes", "s1", worker, TTL);

        timers.advance(MAX_WAIT);

        assertEquals(1, worker.received("s1").size());
        assertTrue(outcomes().contains(Outcome.GUARD_TIMEOUT));
        assertEquals(List.of(), deferred.finish("never-finishes"));
    }

    @Test
    void reopeningCancelsEveryHeldCloseOfTheSessionOnThatWorker() {
        deferred.defer("last-turn", "s1", worker, TTL);
        deferred.defer("retried-last-turn", "s1", worker, TTL);
        deferred.defer("last-turn", "s2", worker, TTL);

        assertEquals(2, deferred.cancel(new SessionOnWorker("s1", "w1")));

        assertEquals(List.of("s2"), deferred.finish("last-turn"));
        assertEquals(List.of(), deferred.finish("retried-last-turn"));
        timers.advance(MAX_WAIT);
        assertTrue(worker.received("s1").isEmpty(), "no stale close reaches the re-opened session");
        assertEquals(0, deferred.pendingCount());
    }

    @Test
    void pastTheBoundACloseRunsAtOnceInsteadOfWaiting() {
        deferred.defer("ctx", "s1", worker, TTL);
        deferred.defer("ctx", "s2", worker, TTL);
        deferred.defer("ctx", "s3", worker, TTL);

        deferred.defer("ctx", "s4", worker, TTL);

        assertEquals(1, worker.received("s4").size());
        assertTrue(outcomes().contains(Outcome.UNDEFERRED));
        assertEquals(3, deferred.pendingCount());
    }

    private List<Outcome> outcomes() {
        return events.stream().map(LifecycleEvent::outcome).toList();
    }
}
