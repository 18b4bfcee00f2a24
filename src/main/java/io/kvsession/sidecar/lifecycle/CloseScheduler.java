package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.kvsession.sidecar.Timers;
import io.kvsession.sidecar.control.SessionHost;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Closes worker sessions in the background, off every request path (SPEC §3.4), retried as {@link ClosePolicy} says
 * until one lands; the worker not knowing the session counts as closed. At most {@code maxPending} closes wait at
 * once; beyond that, and at every give-up, the close is recorded as lost, never dropped silently. Plain Java over
 * {@link Timers} and {@link SessionHost}, so that its timing is tested with a clock that moves only when told.
 */
public final class CloseScheduler {

    private static final class Pending {
        final SessionOnWorker key;
        final SessionHost host;
        final String contextId;
        final CloseReason reason;
        final long giveUpAtNanos;
        /** A rollback is sent again at this time, in case a late open landed after the first close. */
        volatile long confirmAtNanos;
        int attempts;
        volatile boolean superseded;
        volatile CompletableFuture<?> inFlight;

        Pending(SessionOnWorker key, SessionHost host, String contextId, CloseReason reason, long giveUpAtNanos) {
            this.key = key;
            this.host = host;
            this.contextId = contextId;
            this.reason = reason;
            this.giveUpAtNanos = giveUpAtNanos;
        }
    }

    private final ConcurrentHashMap<SessionOnWorker, Pending> pending = new ConcurrentHashMap<>();
    private final Timers timers;
    private final LifecycleRecorder recorder;
    private final ClosePolicy policy;

    public CloseScheduler(Timers timers, LifecycleRecorder recorder, ClosePolicy policy) {
        this.timers = timers;
        this.recorder = recorder;
        this.policy = policy;
    }

    /**
     * Starts closing the session on the worker now; false when the backlog is full and the close was given up.
     *
     * @param ttl the session's TTL; the worker expires the session itself {@code ttl + buffer} after its last use
     */
    public boolean schedule(String sessionId, SessionHost host, Duration ttl, String contextId, CloseReason reason) {
        return enqueue(new SessionOnWorker(sessionId, host.instanceId()), host, ttl, contextId, reason, 0);
    }

    /**
     * Closes a session whose open failed although the worker may hold it. An open that timed out can still be carried
     * out by the worker later, after a first close, so the close is sent again once
     * {@link ClosePolicy#rollbackConfirmAfter()} has passed. Until then it stays pending: a new open of the session
     * on the worker supersedes it.
     */
    public void rollback(String sessionId, SessionHost host, Duration ttl, String contextId) {
        enqueue(new SessionOnWorker(sessionId, host.instanceId()), host, ttl, contextId, CloseReason.ROLLBACK,
                timers.nanoTime() + policy.rollbackConfirmAfter().toNanos());
    }

    /**
     * Cancels a pending close of the session on the worker, because the session is being opened there again. The
     * returned Uni completes once an attempt already on the wire has settled, so the new open cannot overtake it,
     * and tells whether a close was pending: if the open fails, the worker may still hold the session.
     */
    public Uni<Boolean> supersede(SessionOnWorker key) {
        Pending superseded = pending.remove(key);
        if (superseded == null) {
            return Uni.createFrom().item(false);
        }
        superseded.superseded = true;
        recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.SUPERSEDED, key, superseded.contextId,
                "the session is opened again on the same worker"));
        CompletableFuture<?> onTheWire = superseded.inFlight;
        return onTheWire == null ? Uni.createFrom().item(true)
                : Uni.createFrom().completionStage(onTheWire).onItemOrFailure().transform((ignored, failure) -> true);
    }

    /** Closes waiting or retrying now. */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * Waits, blocking, until every pending close has finished or the timeout passed; what is left is recorded as
     * lost. For shutdown only.
     */
    public boolean drain(Duration timeout) {
        long deadline = timers.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty() && timers.nanoTime() < deadline) {
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

    private boolean enqueue(SessionOnWorker key, SessionHost host, Duration ttl, String contextId, CloseReason reason,
            long confirmAtNanos) {
        if (pending.size() >= policy.maxPending()) {
            giveUp(key, contextId, "close backlog full (" + pending.size() + " pending); the worker drops the "
                    + "session after its own timeout");
            return false;
        }
        Pending fresh = new Pending(key, host, contextId, reason, policy.giveUpAtNanos(timers.nanoTime(), ttl));
        fresh.confirmAtNanos = confirmAtNanos;
        Pending existing = pending.putIfAbsent(key, fresh);
        if (existing == null) {
            attempt(fresh);
        } else if (confirmAtNanos > existing.confirmAtNanos) {
            existing.confirmAtNanos = confirmAtNanos;
        }
        return true;
    }

    private void attempt(Pending close) {
        if (close.superseded) {
            return;
        }
        close.attempts++;
        long started = timers.nanoTime();
        close.inFlight = Uni.createFrom().deferred(() -> close.host.close(close.key.sessionId()))
                .subscribeAsCompletionStage()
                .whenComplete((outcome, failure) -> {
                    if (close.superseded) {
                        return;
                    }
                    long confirmIn = close.confirmAtNanos - timers.nanoTime();
                    if (failure == null && confirmIn > 0) {
                        timers.after(Duration.ofNanos(confirmIn), () -> attempt(close));
                    } else if (failure == null) {
                        pending.remove(close.key, close);
                        recorder.record(new LifecycleEvent(Action.CLOSE, Outcome.OK, close.key.sessionId(),
                                close.key.instanceId(), null, close.contextId, started, close.reason.wireName()
                                        + ", " + outcome.name().toLowerCase(Locale.ROOT) + " after "
                                        + close.attempts + " attempt(s)"));
                    } else {
                        retryOrGiveUp(close, failure);
                    }
                });
    }

    private void retryOrGiveUp(Pending close, Throwable failure) {
        Duration backoff = policy.backoff(close.attempts);
        if (policy.givesUp(timers.nanoTime(), backoff, close.giveUpAtNanos)) {
            if (pending.remove(close.key, close)) {
                giveUp(close.key, close.contextId, "gave up after " + close.attempts + " attempt(s), the worker "
                        + "has dropped the session on its own by now: " + failure.getMessage());
            }
            return;
        }
        recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.RETRIED, close.key, close.contextId, "attempt "
                + close.attempts + " failed, next in " + backoff.toMillis() + " ms: " + failure.getMessage()));
        timers.after(backoff, () -> attempt(close));
    }

    private void giveUp(SessionOnWorker key, String contextId, String why) {
        recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.GAVE_UP, key, contextId, why));
    }
}
