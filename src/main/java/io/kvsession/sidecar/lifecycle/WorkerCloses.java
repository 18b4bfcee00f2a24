package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.Timers;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.SessionHost;
import io.smallrye.mutiny.Uni;

/**
 * Every worker close the sidecar sends: now (retried in the background), after a request finishes, or as the
 * rollback of a failed open — the {@link CloseScheduler} and the {@link DeferredCloses} it feeds, configured from
 * {@code kvsession.rpc.*} and {@code kvsession.guard.*}.
 */
@ApplicationScoped
public class WorkerCloses {

    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    private final CloseScheduler scheduler;
    private final DeferredCloses deferred;

    public WorkerCloses(Timers timers, LifecycleRecorder recorder, SidecarConfig config) {
        ClosePolicy policy = new ClosePolicy(FIRST_BACKOFF, config.rpc().closeMaxBackoff(),
                config.session().workerTimeoutBuffer(), config.rpc().openTimeout().multipliedBy(2),
                config.rpc().closeMaxPending(), config.rpc().closeMaxPendingUnbound(), config.affinity().maxEntries(),
                config.guard().maxWait());
        this.scheduler = new CloseScheduler(timers, recorder, policy);
        this.deferred = new DeferredCloses(scheduler, timers, recorder, policy);
    }

    /** 429 when a close for this reason would not be taken now: better refused than accepted and dropped. */
    public void requireRoom(CloseReason reason) {
        if (!scheduler.hasRoom(reason)) {
            throw new SidecarException(Failure.BACKLOG_FULL, "too many worker closes are waiting"
                    + (reason == CloseReason.CLOSE_UNBOUND ? " for sessions this sidecar did not bind" : "")
                    + "; retry shortly");
        }
    }

    /** Closes now, in the background; false when the backlog was full and the close given up. */
    public boolean closeNow(String sessionId, SessionHost host, Duration ttl, String contextId, CloseReason reason) {
        return scheduler.schedule(sessionId, host, ttl, contextId, reason);
    }

    /** Closes once request {@code afterContextId} finishes (or the guard's max wait passed). */
    public void closeAfter(String afterContextId, String sessionId, SessionHost host, Duration ttl) {
        deferred.defer(afterContextId, sessionId, host, ttl);
    }

    /** Closes a session a failed open may have left on the worker; see {@link CloseScheduler#rollback}. */
    public void rollback(String sessionId, SessionHost host, Duration ttl, String contextId) {
        scheduler.rollback(sessionId, host, ttl, contextId);
    }

    /**
     * The session is being opened on the worker again: every close of it there, held or pending, is called off.
     * Completes once a close already on the wire has settled; tells whether any close was held or pending (then
     * the worker may still hold the session if the open fails).
     */
    public Uni<Boolean> supersede(SessionOnWorker key) {
        int held = deferred.cancel(key);
        return scheduler.supersede(key).map(pending -> pending || held > 0);
    }

    /** The request finished: the closes it held start now; answers their sessions. */
    public List<String> finish(String contextId) {
        return deferred.finish(contextId);
    }

    /** Starts every held close now (shutdown); answers how many. */
    public int releaseAll() {
        return deferred.releaseAll();
    }

    /** Waits, blocking, for pending closes up to {@code timeout} (shutdown); true when all landed. */
    public boolean drain(Duration timeout) {
        return scheduler.drain(timeout);
    }

    public int pendingCount() {
        return scheduler.pendingCount();
    }

    public int deferredCount() {
        return deferred.pendingCount();
    }
}
