package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.kvsession.sidecar.Timers;
import io.kvsession.sidecar.control.SessionHost;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Closes worker sessions in the background, off every request path (SPEC §3.4), retried as {@link ClosePolicy} says
 * until one lands; the worker not knowing the session counts as closed. A rollback close, once landed, is sent again
 * at doubling intervals until the worker would have dropped the session itself, in case a late open lands after it.
 * At most {@code maxPending} closes wait at once, and {@code maxPendingUnbound} of sessions this sidecar never
 * bound; past that a close is refused, and a give-up is recorded as lost — never dropped silently. Plain Java over
 * {@link Timers} and {@link SessionHost}, so that its timing is tested with a clock that moves only when told.
 */
public final class CloseScheduler {

    private static final class Pending {
        final SessionOnWorker key;
        final SessionHost host;
        final String contextId;
        final CloseReason reason;
        final long giveUpAtNanos;
        /** Since when the close is owed (the newest close merged into it); written down before when recorded. */
        volatile long sinceNanos;
        final boolean recorded;
        /** When a landed rollback is sent again, and the interval after that; 0 when it is not a rollback. */
        volatile long confirmAtNanos;
        volatile long resendEveryNanos;
        /** Whether an attempt has landed: what is left is only a rollback's confirmation. */
        volatile boolean landed;
        int attempts;
        volatile boolean superseded;
        volatile CompletableFuture<?> inFlight;

        Pending(SessionOnWorker key, SessionHost host, String contextId, CloseReason reason, long giveUpAtNanos,
                long sinceNanos, boolean recorded) {
            this.key = key;
            this.host = host;
            this.contextId = contextId;
            this.reason = reason;
            this.giveUpAtNanos = giveUpAtNanos;
            this.sinceNanos = sinceNanos;
            this.recorded = recorded;
        }
    }

    private final ConcurrentHashMap<SessionOnWorker, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger unbound = new AtomicInteger();
    private final Timers timers;
    private final LifecycleRecorder recorder;
    private final ClosePolicy policy;
    private final CloseListener listener;

    public CloseScheduler(Timers timers, LifecycleRecorder recorder, ClosePolicy policy, CloseListener listener) {
        this.timers = timers;
        this.recorder = recorder;
        this.policy = policy;
        this.listener = listener;
    }

    /** Whether a close for this reason would be taken now. */
    public boolean hasRoom(CloseReason reason) {
        return pending.size() < policy.maxPending()
                && (reason != CloseReason.CLOSE_UNBOUND || unbound.get() < policy.maxPendingUnbound());
    }

    /**
     * Starts closing the session on the worker now; false when the backlog is full and the close was given up.
     *
     * @param ttl the session's TTL; the worker expires the session itself {@code ttl + buffer} after its last use
     */
    public boolean schedule(String sessionId, SessionHost host, Duration ttl, String contextId, CloseReason reason) {
        return enqueue(new SessionOnWorker(sessionId, host.instanceId()), host, ttl, contextId, reason, false,
                timers.nanoTime(), false);
    }

    /**
     * Like {@link #schedule}, for a close written down since {@code sinceNanos} (held for a request, or taken over):
     * another replica may have called it off since, so even its first attempt asks first.
     */
    public boolean scheduleRecorded(String sessionId, SessionHost host, Duration ttl, String contextId,
            CloseReason reason, long sinceNanos) {
        return enqueue(new SessionOnWorker(sessionId, host.instanceId()), host, ttl, contextId, reason, false,
                sinceNanos, true);
    }

    /**
     * Closes a session whose open failed although the worker may hold it. It stays pending after it lands, to be
     * sent again (see {@link ClosePolicy}); until then a new open of the session on the worker supersedes it.
     */
    public void rollback(String sessionId, SessionHost host, Duration ttl, String contextId) {
        enqueue(new SessionOnWorker(sessionId, host.instanceId()), host, ttl, contextId, CloseReason.ROLLBACK, true,
                timers.nanoTime(), false);
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
        forget(superseded);
        recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.SUPERSEDED, key, superseded.contextId,
                "the session is opened again on the same worker"));
        CompletableFuture<?> onTheWire = superseded.inFlight;
        return onTheWire == null ? Uni.createFrom().item(true)
                : Uni.createFrom().completionStage(onTheWire).onItemOrFailure().transform((ignored, failure) -> true);
    }

    /** Closes running or waiting to retry, not counting landed rollbacks waiting to be sent again. */
    public int pendingCount() {
        return (int) pending.values().stream().filter(close -> !close.landed).count();
    }

    /**
     * Waits, blocking, until every close that has not landed has, or the timeout passed; what is left is recorded as
     * lost. Landed rollbacks are not waited for. For shutdown only.
     */
    public boolean drain(Duration timeout) {
        long deadline = timers.nanoTime() + timeout.toNanos();
        while (pendingCount() > 0 && timers.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean drained = pendingCount() == 0;
        for (Pending left : pending.values()) {
            if (pending.remove(left.key, left)) {
                forget(left);
                if (!left.landed) {
                    giveUp(left.key, left.contextId, "shutdown drain timeout of " + timeout.toMillis() + " ms passed");
                }
            }
        }
        return drained;
    }

    private boolean enqueue(SessionOnWorker key, SessionHost host, Duration ttl, String contextId, CloseReason reason,
            boolean rollback, long sinceNanos, boolean recorded) {
        if (!hasRoom(reason)) {
            giveUp(key, contextId, "close backlog full (" + pending.size() + " pending); the worker drops the "
                    + "session after its own timeout");
            return false;
        }
        long now = timers.nanoTime();
        Pending fresh = new Pending(key, host, contextId, reason, policy.giveUpAtNanos(now, ttl), sinceNanos,
                recorded);
        if (rollback) {
            fresh.confirmAtNanos = now + policy.rollbackConfirmAfter().toNanos();
            fresh.resendEveryNanos = policy.rollbackConfirmAfter().multipliedBy(2).toNanos();
        }
        Pending existing = pending.putIfAbsent(key, fresh);
        if (existing == null) {
            if (reason == CloseReason.CLOSE_UNBOUND) {
                unbound.incrementAndGet();
            }
            listener.scheduled(key, ttl, contextId, reason, rollback, sinceNanos);
            attempt(fresh);
        } else {
            if (sinceNanos - existing.sinceNanos > 0) {
                // A newer close joins the pending one: owed from now, so a re-open before now no longer calls it off,
                // and written down anew (a replica that takes it over must send it).
                existing.sinceNanos = sinceNanos;
                listener.scheduled(key, ttl, contextId, reason, rollback || existing.resendEveryNanos > 0,
                        sinceNanos);
            }
            if (rollback && existing.resendEveryNanos == 0) {
                // A plain close was pending; as a rollback it must now also be sent again.
                existing.resendEveryNanos = fresh.resendEveryNanos;
                existing.confirmAtNanos = fresh.confirmAtNanos;
            }
        }
        return true;
    }

    /**
     * Sends the close; a retry, a rollback's re-send, or a close written down before it started first asks whether a
     * re-open through another replica has called it off (a store that cannot say leaves it to be sent).
     */
    private void attempt(Pending close) {
        if (close.superseded) {
            return;
        }
        if (close.attempts == 0 && !close.recorded) {
            send(close);
            return;
        }
        listener.calledOff(close.key, close.sinceNanos).subscribe().with(off -> {
            if (!off) {
                send(close);
            } else if (pending.remove(close.key, close)) {
                forget(close);
                recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.SUPERSEDED, close.key, close.contextId,
                        "the session was opened again on the same worker through another replica"));
            }
        }, failure -> send(close));
    }

    private void send(Pending close) {
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
                    if (failure != null) {
                        retryOrGiveUp(close, failure);
                        return;
                    }
                    if (!close.landed) {
                        close.landed = true;
                        recorder.record(new LifecycleEvent(Action.CLOSE, Outcome.OK, close.key.sessionId(),
                                close.key.instanceId(), null, close.contextId, started, close.reason.wireName()
                                        + ", " + outcome.name().toLowerCase(Locale.ROOT) + " after "
                                        + close.attempts + " attempt(s)"));
                    }
                    sendAgainOrFinish(close);
                });
    }

    /** A landed close is done, unless it is a rollback with a confirmation still due before its give-up time. */
    private void sendAgainOrFinish(Pending close) {
        long now = timers.nanoTime();
        if (close.resendEveryNanos > 0 && close.confirmAtNanos <= now) {
            long next = now + close.resendEveryNanos;
            close.resendEveryNanos *= 2;
            close.confirmAtNanos = next < close.giveUpAtNanos ? next : 0;
        }
        if (close.confirmAtNanos > now) {
            timers.after(Duration.ofNanos(close.confirmAtNanos - now), () -> attempt(close));
        } else if (pending.remove(close.key, close)) {
            forget(close);
            listener.settled(close.key);
        }
    }

    private void retryOrGiveUp(Pending close, Throwable failure) {
        Duration backoff = policy.backoff(close.attempts);
        if (policy.givesUp(timers.nanoTime(), backoff, close.giveUpAtNanos)) {
            if (pending.remove(close.key, close)) {
                forget(close);
                listener.settled(close.key);
                if (!close.landed) {
                    giveUp(close.key, close.contextId, "gave up after " + close.attempts + " attempt(s), the "
                            + "worker has dropped the session on its own by now: " + failure.getMessage());
                }
            }
            return;
        }
        recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.RETRIED, close.key, close.contextId, "attempt "
                + close.attempts + " failed, next in " + backoff.toMillis() + " ms: " + failure.getMessage()));
        timers.after(backoff, () -> attempt(close));
    }

    /** A close leaves the backlog (landed, given up, superseded or drained). */
    private void forget(Pending close) {
        close.superseded = true;
        if (close.reason == CloseReason.CLOSE_UNBOUND) {
            unbound.decrementAndGet();
        }
    }

    private void giveUp(SessionOnWorker key, String contextId, String why) {
        recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.GAVE_UP, key, contextId, why));
    }
}
