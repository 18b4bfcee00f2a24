package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.kvsession.sidecar.Timers;
import io.kvsession.sidecar.control.SessionHost;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;

/**
 * Closes captured for a request, held until that request finishes (SPEC §2.5): {@link #finish} hands them to the
 * {@link CloseScheduler}, whether the request succeeded, failed or was cancelled. A close whose finish never comes
 * runs anyway after {@link ClosePolicy#guardMaxWait()}. At most {@link ClosePolicy#maxDeferred()} are held; past
 * that a close runs at once instead of waiting. Several requests may hold a close of the same session (a retried
 * last turn); re-opening the session cancels every one of them.
 */
public final class DeferredCloses {

    private record Deferred(SessionOnWorker key, SessionHost host, Duration ttl, String contextId,
            Timers.Cancellable guard, long heldSinceNanos) {
    }

    private final ConcurrentHashMap<String, List<Deferred>> byContext = new ConcurrentHashMap<>();
    /** Which requests hold a close of a session on a worker, so that a re-open finds them at once. */
    private final ConcurrentHashMap<SessionOnWorker, Set<String>> holders = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final CloseScheduler closes;
    private final Timers timers;
    private final LifecycleRecorder recorder;
    private final ClosePolicy policy;

    public DeferredCloses(CloseScheduler closes, Timers timers, LifecycleRecorder recorder, ClosePolicy policy) {
        this.closes = closes;
        this.timers = timers;
        this.recorder = recorder;
        this.policy = policy;
    }

    /** Holds the close of the session until request {@code contextId} finishes. */
    public void defer(String contextId, String sessionId, SessionHost host, Duration ttl) {
        SessionOnWorker key = new SessionOnWorker(sessionId, host.instanceId());
        if (count.get() >= policy.maxDeferred()) {
            recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.UNDEFERRED, key, contextId, "too many deferred "
                    + "closes (" + count.get() + "); closing now instead of after the request"));
            closes.schedule(sessionId, host, ttl, contextId, CloseReason.CLOSE);
            return;
        }
        Duration maxWait = policy.guardMaxWait();
        long heldSince = timers.nanoTime();
        Timers.Cancellable guard = timers.after(maxWait, () -> take(contextId, key).ifPresent(deferred -> {
            recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.GUARD_TIMEOUT, key, contextId, "request "
                    + contextId + " did not finish within " + maxWait.toMillis() + " ms"));
            closes.scheduleRecorded(sessionId, host, ttl, contextId, CloseReason.GUARD_TIMEOUT, heldSince);
        }));
        // Indexed before it is held, so that a re-open racing with this never misses it.
        holders.computeIfAbsent(key, absent -> ConcurrentHashMap.newKeySet()).add(contextId);
        boolean[] added = new boolean[1];
        byContext.compute(contextId, (id, held) -> {
            List<Deferred> list = held == null ? new ArrayList<>(1) : held;
            if (list.stream().noneMatch(deferred -> deferred.key().equals(key))) {
                list.add(new Deferred(key, host, ttl, contextId, guard, heldSince));
                count.incrementAndGet();
                added[0] = true;
            }
            return list;
        });
        if (!added[0]) {
            guard.cancel();
        }
    }

    /** The request finished: its held closes start now. Returns the sessions being closed. */
    public List<String> finish(String contextId) {
        List<Deferred> held = byContext.remove(contextId);
        if (held == null) {
            return List.of();
        }
        List<String> sessions = new ArrayList<>(held.size());
        for (Deferred deferred : held) {
            forget(deferred);
            closes.scheduleRecorded(deferred.key().sessionId(), deferred.host(), deferred.ttl(), contextId,
                    CloseReason.FINISH, deferred.heldSinceNanos());
            sessions.add(deferred.key().sessionId());
        }
        return sessions;
    }

    /**
     * Drops every held close of the session on the worker, because the session is opened there again; answers how
     * many were held.
     */
    public int cancel(SessionOnWorker key) {
        Set<String> contexts = holders.get(key);
        if (contexts == null) {
            return 0;
        }
        int cancelled = 0;
        for (String contextId : List.copyOf(contexts)) {
            if (take(contextId, key).isPresent()) {
                cancelled++;
                recorder.record(LifecycleEvent.of(Action.CLOSE, Outcome.SUPERSEDED, key, contextId,
                        "the session is opened again on the same worker"));
            }
        }
        return cancelled;
    }

    /** Starts every held close now (shutdown). */
    public int releaseAll() {
        int released = 0;
        for (String contextId : byContext.keySet()) {
            released += finish(contextId).size();
        }
        return released;
    }

    public int pendingCount() {
        return count.get();
    }

    /** Removes one held close, cancelling its guard; empty when it is no longer held. */
    private Optional<Deferred> take(String contextId, SessionOnWorker key) {
        Deferred[] taken = new Deferred[1];
        byContext.computeIfPresent(contextId, (id, held) -> {
            for (var it = held.iterator(); it.hasNext();) {
                Deferred deferred = it.next();
                if (deferred.key().equals(key)) {
                    it.remove();
                    taken[0] = deferred;
                    break;
                }
            }
            return held.isEmpty() ? null : held;
        });
        if (taken[0] != null) {
            forget(taken[0]);
        }
        return Optional.ofNullable(taken[0]);
    }

    private void forget(Deferred deferred) {
        count.decrementAndGet();
        deferred.guard().cancel();
        holders.computeIfPresent(deferred.key(), (key, contexts) -> {
            contexts.remove(deferred.contextId());
            return contexts.isEmpty() ? null : contexts;
        });
    }
}
