package io.kvsession.sidecar.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.Timers;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.SessionHost;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.store.CloseLedger;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Every worker close the sidecar sends: now (retried in the background), after a request finishes, or as the
 * rollback of a failed open — the {@link CloseScheduler} and the {@link DeferredCloses} it feeds, configured from
 * {@code kvsession.rpc.*} and {@code kvsession.guard.*}. With a shared store each close is also written to its
 * {@link CloseLedger}, so that another replica sends it if this one dies, and a finish on any replica releases it.
 * The ledger is a record, not the sender: a close is sent whether or not the store could be written.
 */
@ApplicationScoped
public class WorkerCloses implements CloseListener {

    private static final Logger LOG = Logger.getLogger(WorkerCloses.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    private final CloseScheduler scheduler;
    private final DeferredCloses deferred;
    private final CloseLedger ledger;
    private final WorkerRegistry registry;
    private final Timers timers;
    private final Clock clock;
    private final Duration maxWait;

    public WorkerCloses(Timers timers, LifecycleRecorder recorder, SidecarConfig config, CloseLedger ledger,
            WorkerRegistry registry, Clock clock) {
        ClosePolicy policy = new ClosePolicy(FIRST_BACKOFF, config.rpc().closeMaxBackoff(),
                config.session().workerTimeoutBuffer(), config.rpc().openTimeout().multipliedBy(2),
                config.rpc().closeMaxPending(), config.rpc().closeMaxPendingUnbound(), config.affinity().maxEntries(),
                config.guard().maxWait());
        this.scheduler = new CloseScheduler(timers, recorder, policy, this);
        this.deferred = new DeferredCloses(scheduler, timers, recorder, policy);
        this.ledger = ledger;
        this.registry = registry;
        this.timers = timers;
        this.clock = clock;
        this.maxWait = config.guard().maxWait();
    }

    /** With a shared store: say this replica is alive, and take over the closes of replicas that are not. */
    void start(@Observes StartupEvent start) {
        ledger.beat().ifPresent(beat -> timers.every(beat, () -> ledger.heartbeat(true)
                .flatMap(alive -> ledger.takeOver(clock.millis()))
                .subscribe().with(taken -> {
                    if (!taken.isEmpty()) {
                        LOG.infof("action=close outcome=taken_over closes=%d: owed by replicas that stopped, or held "
                                + "past their guard", taken.size());
                    }
                    taken.forEach(this::send);
                }, failure -> LOG.debugf("action=close outcome=take_over_failed: %s", failure.getMessage()))));
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
        record(ledger.held(afterContextId, new CloseLedger.Entry(sessionId, host.instanceId(), ttl.toMillis(),
                afterContextId, CloseReason.FINISH.wireName(), false), clock.millis() + maxWait.toMillis()));
    }

    /** Closes a session a failed open may have left on the worker; see {@link CloseScheduler#rollback}. */
    public void rollback(String sessionId, SessionHost host, Duration ttl, String contextId) {
        scheduler.rollback(sessionId, host, ttl, contextId);
    }

    /**
     * The session is being opened on the worker again: every close of it there, held or pending, on this replica
     * or another, is called off. Completes once a close already on the wire has settled; tells whether any close
     * was held or pending (then the worker may still hold the session if the open fails).
     */
    public Uni<Boolean> supersede(SessionOnWorker key) {
        int held = deferred.cancel(key);
        Uni<Boolean> elsewhere = ledger.cancel(key.sessionId(), key.instanceId(), clock.millis())
                .onFailure().recoverWithItem(false);
        return scheduler.supersede(key).flatMap(pending -> elsewhere.map(owed -> pending || owed || held > 0));
    }

    /** The request finished: the closes held for it, here or on another replica, start now; answers their sessions. */
    public Uni<List<String>> finish(String contextId) {
        List<String> local = deferred.finish(contextId);
        return ledger.release(contextId)
                .onFailure().recoverWithItem(List.of())
                .map(released -> {
                    List<String> sessions = new ArrayList<>(local);
                    released.stream().filter(entry -> !local.contains(entry.sessionId())).forEach(entry -> {
                        send(entry);
                        sessions.add(entry.sessionId());
                    });
                    return sessions;
                });
    }

    /** Starts every held close now (shutdown); answers how many. */
    public int releaseAll() {
        return deferred.releaseAll();
    }

    /**
     * Waits, blocking, for pending closes up to {@code timeout} (shutdown); true when all landed. With a shared store
     * the closes still owed stay written down, and this replica says it stops, so that another takes them over.
     */
    public boolean drain(Duration timeout) {
        boolean drained = scheduler.drain(timeout);
        ledger.heartbeat(false).subscribe().with(stopped -> {
        }, failure -> LOG.warnf("action=shutdown outcome=handover_failed: %s", failure.getMessage()));
        return drained;
    }

    public int pendingCount() {
        return scheduler.pendingCount();
    }

    public int deferredCount() {
        return deferred.pendingCount();
    }

    @Override
    public void scheduled(SessionOnWorker key, Duration ttl, String contextId, CloseReason reason, boolean rollback,
            long sinceNanos) {
        record(ledger.pending(new CloseLedger.Entry(key.sessionId(), key.instanceId(), ttl.toMillis(), contextId,
                reason.wireName(), rollback), wallMillis(sinceNanos)));
    }

    @Override
    public void settled(SessionOnWorker key) {
        record(ledger.settled(key.sessionId(), key.instanceId()));
    }

    @Override
    public Uni<Boolean> calledOff(SessionOnWorker key, long sinceNanos) {
        return ledger.calledOff(key.sessionId(), key.instanceId(), wallMillis(sinceNanos));
    }

    /** The wall-clock time of a {@link Timers#nanoTime()} reading, as the ledger shared by replicas keeps time. */
    private long wallMillis(long nanos) {
        return clock.millis() - Duration.ofNanos(timers.nanoTime() - nanos).toMillis();
    }

    /** A close written down elsewhere, now this replica's to send, on the worker the registry knows. */
    private void send(CloseLedger.Entry entry) {
        registry.find(entry.instanceId()).ifPresentOrElse(worker -> {
            Duration ttl = Duration.ofMillis(entry.ttlMillis());
            if (entry.rollback()) {
                scheduler.rollback(entry.sessionId(), worker, ttl, entry.contextId());
            } else {
                scheduler.scheduleRecorded(entry.sessionId(), worker, ttl, entry.contextId(), reason(entry.reason()),
                        timers.nanoTime());
            }
        }, () -> {
            LOG.warnf("action=close outcome=unknown_worker session_id=%s worker_id=%s: a close taken over for a "
                    + "worker this replica does not know; dropped", entry.sessionId(), entry.instanceId());
            record(ledger.settled(entry.sessionId(), entry.instanceId()));
        });
    }

    private static CloseReason reason(String wireName) {
        return CloseReason.valueOf(wireName.toUpperCase(Locale.ROOT));
    }

    /** Writes to the ledger in the background: a close is sent whether or not the store could record it. */
    private static void record(Uni<?> write) {
        write.subscribe().with(done -> {
        }, failure -> LOG.debugf("action=close outcome=not_recorded: %s", failure.getMessage()));
    }
}
