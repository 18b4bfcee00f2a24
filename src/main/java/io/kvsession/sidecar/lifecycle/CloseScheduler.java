package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.control.WorkerCalls;
import io.kvsession.sidecar.lifecycle.LifecycleJournal.Severity;
import io.smallrye.mutiny.Uni;

/**
 * Closes worker sessions in the background, off every request path (SPEC §3.4). A close is retried with exponential
 * backoff — 100 ms doubling up to {@code kvsession.rpc.close-max-backoff} — until it succeeds or
 * {@code timeout + worker-timeout-buffer} has passed, when the worker has dropped the session on its own; the worker
 * not knowing the session counts as closed. At most {@code kvsession.rpc.close-max-pending} closes wait at once;
 * beyond that, and at every give-up, the close is logged as lost and counted, never dropped silently.
 */
@ApplicationScoped
public class CloseScheduler {

    static final long FIRST_BACKOFF_MILLIS = 100;

    private record Key(String sessionId, String instanceId) {
    }

    private static final class Pending {
        final Key key;
        final Instance instance;
        final String contextId;
        final String reason;
        final long giveUpAtNanos;
        /** A rollback is sent again at this time, in case a late open landed after the first close. */
        volatile long confirmAtNanos;
        int attempts;
        volatile boolean superseded;
        volatile CompletableFuture<?> inFlight;

        Pending(Key key, Instance instance, String contextId, String reason, long giveUpAtNanos) {
            this.key = key;
            this.instance = instance;
            this.contextId = contextId;
            this.reason = reason;
            this.giveUpAtNanos = giveUpAtNanos;
        }
    }

    private final ConcurrentHashMap<Key, Pending> pending = new ConcurrentHashMap<>();
    private final WorkerCalls calls;
    private final LifecycleJournal journal;
    private final SessionEvents events;
    private final LifecycleTimers timers;
    private final SidecarConfig config;

    public CloseScheduler(WorkerCalls calls, LifecycleJournal journal, SessionEvents events, LifecycleTimers timers,
            SidecarConfig config) {
        this.calls = calls;
        this.journal = journal;
        this.events = events;
        this.timers = timers;
        this.config = config;
    }

    /**
     * Starts closing the session on the instance now.
     *
     * @param ttl the session's TTL; the worker expires the session itself {@code ttl + buffer} after its last use
     * @param reason why it closes, for the log ({@code close}, {@code expiry}, {@code rollback} …)
     */
    public void schedule(String sessionId, Instance instance, Duration ttl, String contextId, String reason) {
        enqueue(sessionId, instance, ttl, contextId, reason, 0);
    }

    /**
     * Closes a session whose open failed although the worker may hold it. An open that timed out can still be carried
     * out by the worker later, after a first close, so the close is sent again once twice the open timeout has
     * passed. Until then it stays pending: a new open of the session on the worker supersedes it.
     */
    public void rollback(String sessionId, Instance instance, Duration ttl, String contextId) {
        enqueue(sessionId, instance, ttl, contextId, "rollback",
                System.nanoTime() + config.rpc().openTimeout().multipliedBy(2).toNanos());
    }

    private void enqueue(String sessionId, Instance instance, Duration ttl, String contextId, String reason,
            long confirmAtNanos) {
        Key key = new Key(sessionId, instance.id());
        if (pending.size() >= config.rpc().closeMaxPending()) {
            giveUp(key, contextId, "close backlog full (" + pending.size() + " pending); the worker drops the session "
                    + "after its own timeout");
            return;
        }
        long giveUpAt = System.nanoTime() + ttl.plus(config.session().workerTimeoutBuffer()).toNanos();
        Pending fresh = new Pending(key, instance, contextId, reason, giveUpAt);
        fresh.confirmAtNanos = confirmAtNanos;
        Pending existing = pending.putIfAbsent(key, fresh);
        if (existing == null) {
            attempt(fresh);
        } else if (confirmAtNanos > existing.confirmAtNanos) {
            existing.confirmAtNanos = confirmAtNanos;
        }
    }

    /**
     * Cancels a pending close of the session on the instance, because the session is being opened there again. The
     * returned Uni completes once an attempt already on the wire has settled, so the new open cannot overtake it,
     * and tells whether a close was pending: if the open fails, the worker may still hold the session.
     */
    public Uni<Boolean> supersede(String sessionId, String instanceId) {
        Pending superseded = pending.remove(new Key(sessionId, instanceId));
        if (superseded == null) {
            return Uni.createFrom().item(false);
        }
        superseded.superseded = true;
        journal.record("close", "superseded", Severity.NORMAL, sessionId, instanceId, superseded.contextId, 0,
                "the session is opened again on the same worker");
        CompletableFuture<?> onTheWire = superseded.inFlight;
        return onTheWire == null ? Uni.createFrom().item(true)
                : Uni.createFrom().completionStage(onTheWire).onItemOrFailure().transform((ignored, failure) -> true);
    }

    /** Closes waiting or retrying now. */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * Waits, blocking, until every pending close has finished or the timeout passed; what is left is logged as lost.
     * For shutdown only.
     */
    public boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean drained = pending.isEmpty();
        for (Pending left : pending.values()) {
            if (pending.remove(left.key, left)) {
                left.superseded = true;
                giveUp(left.key, left.contextId, "shutdown drain timeout of " + timeout.toMillis() + " ms passed");
            }
        }
        return drained;
    }

    private void attempt(Pending close) {
        if (close.superseded) {
            return;
        }
        close.attempts++;
        long started = System.nanoTime();
        CompletableFuture<?> attempt = calls.close(close.instance, close.key.sessionId())
                .subscribeAsCompletionStage()
                .whenComplete((outcome, failure) -> {
                    if (close.superseded) {
                        return;
                    }
                    long confirmIn = close.confirmAtNanos - System.nanoTime();
                    if (failure == null && confirmIn > 0) {
                        timers.after(Duration.ofNanos(confirmIn), () -> attempt(close));
                    } else if (failure == null) {
                        pending.remove(close.key, close);
                        journal.record("close", "ok", Severity.NORMAL, close.key.sessionId(), close.key.instanceId(),
                                close.contextId, started, close.reason + ", " + outcome.name().toLowerCase()
                                        + " after " + close.attempts + " attempt(s)");
                    } else {
                        retryOrGiveUp(close, failure);
                    }
                });
        close.inFlight = attempt;
    }

    private void retryOrGiveUp(Pending close, Throwable failure) {
        long backoffMillis = Math.min(FIRST_BACKOFF_MILLIS << Math.min(close.attempts - 1, 20),
                config.rpc().closeMaxBackoff().toMillis());
        long now = System.nanoTime();
        if (now + TimeUnit.MILLISECONDS.toNanos(backoffMillis) >= close.giveUpAtNanos) {
            if (pending.remove(close.key, close)) {
                giveUp(close.key, close.contextId, "gave up after " + close.attempts + " attempt(s), the worker "
                        + "has dropped the session on its own by now: " + failure.getMessage());
            }
            return;
        }
        journal.record("close", "retried", Severity.FAILED, close.key.sessionId(), close.key.instanceId(),
                close.contextId, 0, "attempt " + close.attempts + " failed, next in " + backoffMillis + " ms: "
                        + failure.getMessage());
        timers.after(Duration.ofMillis(backoffMillis), () -> attempt(close));
    }

    private void giveUp(Key key, String contextId, String why) {
        journal.record("close", "gave_up", Severity.LOST, key.sessionId(), key.instanceId(), contextId, 0, why);
        events.publish(SessionEvent.Type.CLOSE_FAILED, key.sessionId(), key.instanceId(), null, contextId, why);
    }
}
