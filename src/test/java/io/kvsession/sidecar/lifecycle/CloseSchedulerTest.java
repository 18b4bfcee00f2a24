package io.kvsession.sidecar.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.control.WorkerProtocol.CloseOutcome;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/** Retries, give-ups, rollbacks and supersedes of background closes, on a clock that moves only when told. */
class CloseSchedulerTest {

    private static final Duration TTL = Duration.ofSeconds(2);

    private final ManualTimers timers = new ManualTimers();
    private final List<LifecycleEvent> events = new CopyOnWriteArrayList<>();
    private final ClosePolicy policy = new ClosePolicy(Duration.ofMillis(100), Duration.ofMillis(400),
            Duration.ofSeconds(1), Duration.ofSeconds(1), 3, 2, 3, Duration.ofSeconds(2));
    private final CloseScheduler closes = new CloseScheduler(timers, events::add, policy,
            CloseListener.NONE);
    private final ScriptedHost worker = new ScriptedHost("w1", timers);

    @Test
    void aCloseThatLandsIsRecordedOnce() {
        assertTrue(closes.schedule("s1", worker, TTL, "ctx", CloseReason.CLOSE));

        assertEquals(1, worker.received("s1").size());
        assertEquals(0, closes.pendingCount());
        assertEquals(List.of(Outcome.OK), outcomes(Action.CLOSE));
    }

    @Test
    void aCloseAnotherReplicasReopenCalledOffIsNotSentAgainNorWhenReleased() {
        List<Long> askedSince = new CopyOnWriteArrayList<>();
        long[] reopenedAt = { Long.MAX_VALUE };
        CloseScheduler fenced = new CloseScheduler(timers, events::add, policy, new CloseListener() {
            @Override
            public void scheduled(SessionOnWorker key, Duration ttl, String contextId, CloseReason reason,
                    boolean rollback, long sinceNanos) {
            }

            @Override
            public void settled(SessionOnWorker key) {
            }

            @Override
            public Uni<Boolean> calledOff(SessionOnWorker key, long sinceNanos) {
                askedSince.add(sinceNanos);
                return Uni.createFrom().item(reopenedAt[0] > sinceNanos && reopenedAt[0] <= timers.nanoTime());
            }
        });
        long heldSince = timers.nanoTime();
        worker.failNext(1);
        fenced.schedule("retried", worker, TTL, null, CloseReason.CLOSE);
        assertEquals(List.of(), askedSince, "a fresh close's first attempt asks nobody");
        assertEquals(1, worker.received("retried").size());
        timers.advance(Duration.ofMillis(50));
        reopenedAt[0] = timers.nanoTime();

        timers.advance(Duration.ofMillis(50));
        fenced.scheduleRecorded("held", worker, TTL, "ctx", CloseReason.FINISH, heldSince);

        assertEquals(1, worker.received("retried").size(), "the retry found the close called off");
        assertEquals(List.of(), worker.received("held"), "a held close older than the re-open is not sent");
        assertEquals(0, fenced.pendingCount());
        assertEquals(2, outcomes(Action.CLOSE).stream().filter(Outcome.SUPERSEDED::equals).count());

        fenced.scheduleRecorded("later", worker, TTL, "ctx", CloseReason.FINISH, timers.nanoTime());
        assertEquals(1, worker.received("later").size(), "a close held after the re-open is sent");

        worker.failNext(1);
        fenced.schedule("merged", worker, TTL, null, CloseReason.CLOSE);
        reopenedAt[0] = timers.nanoTime() + Duration.ofMillis(10).toNanos();
        timers.advance(Duration.ofMillis(20));
        fenced.schedule("merged", worker, TTL, null, CloseReason.CLOSE);
        timers.advance(Duration.ofMillis(100));
        assertEquals(2, worker.received("merged").size(), "a close that joins a called-off one after the re-open is "
                + "owed from then, and sent");
    }

    @Test
    void failedClosesAreRetriedWithDoublingBackoffUpToTheCap() {
        worker.failNext(4);

        closes.schedule("s1", worker, TTL, null, CloseReason.CLOSE);
        timers.advance(Duration.ofSeconds(2));

        List<Long> sentAtMillis = worker.received("s1").stream()
                .map(close -> TimeUnit.NANOSECONDS.toMillis(close.atNanos() - worker.received("s1").get(0).atNanos()))
                .toList();
        assertEquals(List.of(0L, 100L, 300L, 700L, 1100L), sentAtMillis, "pauses of 100, 200, 400, 400 ms");
        assertEquals(List.of(Outcome.RETRIED, Outcome.RETRIED, Outcome.RETRIED, Outcome.RETRIED, Outcome.OK),
                outcomes(Action.CLOSE));
        assertEquals(0, closes.pendingCount());
    }

    @Test
    void aCloseThatNeverLandsGivesUpAfterTtlPlusBufferAndIsRecordedAsLost() {
        worker.failNext(1_000);

        closes.schedule("s1", worker, TTL, null, CloseReason.EXPIRY);
        timers.advance(Duration.ofSeconds(10));

        assertEquals(1, outcomes(Action.CLOSE).stream().filter(Outcome.GAVE_UP::equals).count());
        long lastAttempt = worker.received("s1").get(worker.received("s1").size() - 1).atNanos()
                - worker.received("s1").get(0).atNanos();
        assertTrue(lastAttempt <= Duration.ofSeconds(3).toNanos(), "no attempt after TTL 2 s + buffer 1 s");
        assertEquals(0, closes.pendingCount());
        assertEquals(0, timers.waiting(), "nothing left to run");
    }

    @Test
    void aLandedRollbackStaysSupersedableUntilItsLastConfirmation() {
        closes.rollback("s1", worker, Duration.ofSeconds(10), "ctx");
        assertEquals(1, worker.received("s1").size());
        timers.advance(Duration.ofMillis(999));
        assertEquals(1, worker.received("s1").size());
        timers.advance(Duration.ofMillis(1));
        assertEquals(2, worker.received("s1").size(), "sent again after the confirm delay");

        assertTrue(closes.supersede(new SessionOnWorker("s1", "w1")).await().indefinitely(),
                "a re-open learns that the worker may hold the session");
        timers.advance(Duration.ofSeconds(20));
        assertEquals(2, worker.received("s1").size(), "no confirmation after the supersede");
    }

    @Test
    void aRollbackIsSentAgainAtDoublingIntervalsUntilTheWorkerWouldHaveDroppedTheSession() {
        closes.rollback("s1", worker, Duration.ofSeconds(10), "ctx");
        assertEquals(0, closes.pendingCount(), "landed: only its confirmations are left");

        timers.advance(Duration.ofSeconds(30));

        long first = worker.received("s1").get(0).atNanos();
        List<Long> sentAtSeconds = worker.received("s1").stream()
                .map(close -> TimeUnit.NANOSECONDS.toSeconds(close.atNanos() - first)).toList();
        assertEquals(List.of(0L, 1L, 3L, 7L), sentAtSeconds, "then 15 s would be after TTL 10 s + buffer 1 s");
        assertEquals(0, timers.waiting());
        assertEquals(List.of(Outcome.OK), outcomes(Action.CLOSE), "recorded once, when it first landed");
    }

    @Test
    void closesOfSessionsNeverBoundHaveASmallerBudgetOfTheirOwn() {
        worker.holdNext();
        worker.holdNext();
        assertTrue(closes.schedule("junk-1", worker, TTL, null, CloseReason.CLOSE_UNBOUND));
        assertTrue(closes.schedule("junk-2", worker, TTL, null, CloseReason.CLOSE_UNBOUND));

        assertFalse(closes.hasRoom(CloseReason.CLOSE_UNBOUND));
        assertFalse(closes.schedule("junk-3", worker, TTL, null, CloseReason.CLOSE_UNBOUND));
        assertTrue(closes.hasRoom(CloseReason.CLOSE), "a real close still fits");
        assertTrue(closes.schedule("real", worker, TTL, null, CloseReason.CLOSE));
    }

    @Test
    void supersedeCancelsAPendingCloseAfterTheAttemptOnTheWireSettles() {
        CompletableFuture<CloseOutcome> onTheWire = worker.holdNext();
        closes.schedule("s1", worker, TTL, null, CloseReason.CLOSE);

        CompletableFuture<Boolean> superseded = closes.supersede(new SessionOnWorker("s1", "w1"))
                .subscribeAsCompletionStage();
        assertFalse(superseded.isDone(), "the open must not overtake the close on the wire");

        onTheWire.completeExceptionally(new IllegalStateException("connection reset"));
        assertTrue(superseded.join(), "a close was pending");
        timers.advance(Duration.ofSeconds(5));
        assertEquals(1, worker.received("s1").size(), "no retry after the supersede");
        assertEquals(List.of(Outcome.SUPERSEDED), outcomes(Action.CLOSE));
    }

    @Test
    void supersedeOfNothingPendingAnswersFalseAtOnce() {
        assertFalse(closes.supersede(new SessionOnWorker("s1", "w1")).await().indefinitely());
    }

    @Test
    void aFullBacklogRefusesTheCloseAndRecordsItAsLost() {
        for (int i = 0; i < 3; i++) {
            worker.holdNext();
            assertTrue(closes.schedule("held-" + i, worker, TTL, null, CloseReason.CLOSE));
        }

        assertFalse(closes.schedule("one-too-many", worker, TTL, null, CloseReason.CLOSE));
        assertTrue(worker.received("one-too-many").isEmpty());
        assertEquals(List.of(Outcome.GAVE_UP), outcomes(Action.CLOSE));
    }

    private List<Outcome> outcomes(Action action) {
        return events.stream().filter(event -> event.action() == action).map(LifecycleEvent::outcome).toList();
    }
}
