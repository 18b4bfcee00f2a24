package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.lifecycle.LifecycleJournal.Severity;

/**
 * Closes captured for a request, held until that request finishes (SPEC §2.5): {@link #finish} hands them to the
 * {@link CloseScheduler}, whether the request succeeded, failed or was cancelled. A close whose finish never comes
 * runs anyway after {@code kvsession.guard.max-wait}. Their number is bounded by the affinity table's size: past it
 * a close runs at once instead of waiting.
 */
@ApplicationScoped
public class DeferredCloses {

    private record Deferred(String sessionId, Instance instance, Duration ttl, String contextId, Future<?> timer) {
    }

    private final ConcurrentHashMap<String, List<Deferred>> byContext = new ConcurrentHashMap<>();
    /** Which request holds the close of a session on an instance, so that a re-open finds it at once. */
    private final ConcurrentHashMap<String, String> contextOf = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final CloseScheduler closes;
    private final LifecycleJournal journal;
    private final LifecycleTimers timers;
    private final SidecarConfig config;

    public DeferredCloses(CloseScheduler closes, LifecycleJournal journal, LifecycleTimers timers, SidecarConfig config) {
        this.closes = closes;
        this.journal = journal;
        this.timers = timers;
        this.config = config;
    }

    /** Holds the close of the session until request {@code contextId} finishes. */
    public void defer(String contextId, String sessionId, Instance instance, Duration ttl) {
        if (count.get() >= config.affinity().maxEntries()) {
            journal.record("close", "undeferred", Severity.FAILED, sessionId, instance.id(), contextId, 0,
                    "too many deferred closes (" + count.get() + "); closing now instead of after the request");
            closes.schedule(sessionId, instance, ttl, contextId, "close");
            return;
        }
        Duration maxWait = config.guard().maxWait();
        Future<?> timer = timers.after(maxWait, () -> release(contextId, sessionId, instance.id(),
                "request " + contextId + " did not finish within " + maxWait.toMillis() + " ms"));
        count.incrementAndGet();
        contextOf.put(key(sessionId, instance.id()), contextId);
        byContext.compute(contextId, (id, held) -> {
            List<Deferred> list = held == null ? new ArrayList<>(1) : held;
            list.add(new Deferred(sessionId, instance, ttl, contextId, timer));
            return list;
        });
    }

    /** The request finished: its held closes start now. Returns the sessions being closed. */
    public List<String> finish(String contextId) {
        List<Deferred> held = byContext.remove(contextId);
        if (held == null) {
            return List.of();
        }
        List<String> sessions = new ArrayList<>(held.size());
        for (Deferred deferred : held) {
            start(deferred);
            sessions.add(deferred.sessionId());
        }
        return sessions;
    }

    /**
     * Drops a held close of the session on the instance, because the session is opened there again; tells whether
     * one was held.
     */
    public boolean cancel(String sessionId, String instanceId) {
        String contextId = contextOf.get(key(sessionId, instanceId));
        if (contextId == null) {
            return false;
        }
        Optional<Deferred> dropped = take(contextId, sessionId, instanceId);
        dropped.ifPresent(deferred -> journal.record("close", "superseded", Severity.NORMAL, sessionId, instanceId,
                contextId, 0, "the session is opened again on the same worker"));
        return dropped.isPresent();
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

    private void release(String contextId, String sessionId, String instanceId, String why) {
        take(contextId, sessionId, instanceId).ifPresent(deferred -> {
            journal.record("close", "guard_timeout", Severity.FAILED, sessionId, instanceId, contextId, 0, why);
            closes.schedule(deferred.sessionId(), deferred.instance(), deferred.ttl(), contextId, "guard timeout");
        });
    }

    private void start(Deferred deferred) {
        forget(deferred);
        closes.schedule(deferred.sessionId(), deferred.instance(), deferred.ttl(), deferred.contextId(), "finish");
    }

    /** Removes one held close, cancelling its timer; empty when it is no longer held. */
    private Optional<Deferred> take(String contextId, String sessionId, String instanceId) {
        Deferred[] taken = new Deferred[1];
        byContext.computeIfPresent(contextId, (id, held) -> {
            for (var it = held.iterator(); it.hasNext();) {
                Deferred deferred = it.next();
                if (deferred.sessionId().equals(sessionId) && deferred.instance().id().equals(instanceId)) {
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
        deferred.timer().cancel(false);
        contextOf.remove(key(deferred.sessionId(), deferred.instance().id()), deferred.contextId());
    }

    private static String key(String sessionId, String instanceId) {
        return sessionId + '\u0000' + instanceId;
    }
}
