package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.control.SessionHost;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.kvsession.sidecar.lifecycle.Results.EngineClose;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The one place where a binding ends — closed, replaced, expired, its worker gone or its session lost there: the
 * event is recorded, and the worker's KV session, if the binding had one, is closed now, after a request, or not at
 * all. Closes of sessions that are not bound here, and the finish of a request that holds closes, end here too.
 */
@ApplicationScoped
public class SessionEndings {

    private static final Logger LOG = Logger.getLogger(SessionEndings.class);

    private final AffinityStore store;
    private final WorkerRegistry registry;
    private final WorkerCloses closes;
    private final LifecycleRecorder recorder;

    public SessionEndings(AffinityStore store, WorkerRegistry registry, WorkerCloses closes,
            LifecycleRecorder recorder) {
        this.store = store;
        this.registry = registry;
        this.closes = closes;
        this.recorder = recorder;
    }

    /**
     * The binding has left the store; its worker session, if any, is closed on the worker the registry knows. A
     * session closed or expired takes its children along (each ends, and closes, once: only the removal that found
     * it bound ends it); they go in the background, and with a store in this process before this returns.
     */
    public EngineClose ended(Binding binding, Ending ending) {
        SessionHost host = binding.kind().engineBacked() ? registry.find(binding.instanceId()).orElse(null) : null;
        EngineClose decision = end(binding.sessionId(), binding.instanceId(), binding.kind(), binding.timeout(), host,
                ending, closeReason(ending.reason()));
        if (ending.reason() == Ending.Reason.CLOSED || ending.reason() == Ending.Reason.EXPIRED
                || ending.reason() == Ending.Reason.PARENT_ENDED) {
            endChildren(binding.sessionId(), ending);
        }
        return decision;
    }

    private void endChildren(String parentSessionId, Ending ending) {
        Ending theirs = Ending.parentEnded(parentSessionId, ending);
        store.children(parentSessionId)
                .onItem().transformToMulti(children -> Multi.createFrom().iterable(children))
                .onItem().transformToUniAndConcatenate(child -> store.unbind(child)
                        .invoke(removed -> removed.ifPresent(gone -> ended(gone, theirs))))
                .collect().last()
                .subscribe().with(done -> {
                }, failure -> LOG.warnf("action=unbind outcome=children_not_ended session_id=%s: the children of a "
                        + "session that ended could not be read or removed (%s); they expire on their own",
                        parentSessionId, failure.getMessage()));
    }

    /** The binding has left the store because its worker went; its session is closed on that worker still. */
    public EngineClose ended(Binding binding, SessionHost gone) {
        return end(binding.sessionId(), binding.instanceId(), binding.kind(), binding.timeout(),
                binding.kind().engineBacked() ? gone : null, Ending.instanceGone(null), CloseReason.INSTANCE_GONE);
    }

    /** Removes the binding if it is still that revision, then ends it; tells whether it was removed. */
    public Uni<Boolean> unbindIf(Binding binding, Ending ending) {
        return store.unbind(binding).invoke(removed -> {
            if (removed) {
                ended(binding, ending);
            }
        });
    }

    /**
     * A close of a session that is not bound here (a restart lost it, or it expired): the named worker may still
     * hold it, so it is closed there; with no worker named, nothing is.
     */
    public EngineClose endUnbound(String sessionId, SessionHost host, String instanceId, Duration ttl,
            Ending ending) {
        return end(sessionId, instanceId, null, ttl, host, ending, CloseReason.CLOSE_UNBOUND);
    }

    /**
     * The request finished (success, error or cancel alike): its deferred closes start now, and the sessions it held
     * count their TTL from now.
     */
    public Uni<List<String>> requestFinished(String contextId) {
        return closes.finish(contextId)
                .call(closing -> store.release(contextId).onFailure().invoke(failure -> LOG.debugf(
                        "action=finish outcome=hold_not_released request_id=%s: %s; the guard releases it",
                        contextId, failure.getMessage())).onFailure().recoverWithNull())
                .invoke(closing -> recorder.record(new LifecycleEvent(Action.FINISH,
                Outcome.OK, null, null, null, contextId, 0, closing.isEmpty() ? null
                        : "closing " + closing.size() + " session(s)")));
    }

    private EngineClose end(String sessionId, String instanceId, BindingKind kind, Duration ttl, SessionHost host,
            Ending ending, CloseReason reason) {
        EngineClose decision = EngineClose.NONE;
        if (host != null && ending.afterContextId() != null) {
            closes.closeAfter(ending.afterContextId(), sessionId, host, ttl);
            decision = EngineClose.DEFERRED;
        } else if (host != null) {
            closes.closeNow(sessionId, host, ttl, ending.contextId(), reason);
            decision = EngineClose.SCHEDULED;
        }
        recorder.record(event(sessionId, instanceId, kind, ttl, ending, decision));
        return decision;
    }

    private static LifecycleEvent event(String sessionId, String instanceId, BindingKind kind, Duration ttl,
            Ending ending, EngineClose decision) {
        Action action = ending.reason() == Ending.Reason.EXPIRED ? Action.EXPIRED : Action.UNBIND;
        Outcome outcome;
        String detail;
        switch (ending.reason()) {
            case EXPIRED -> {
                outcome = kind != null && kind.engineBacked() ? Outcome.ENGINE_BACKED : Outcome.ROUTER_ONLY;
                detail = "idle for " + ttl.toSeconds() + " s";
            }
            case REPLACED -> {
                outcome = Outcome.REPLACED;
                detail = "bound to another instance";
            }
            case INSTANCE_GONE -> {
                outcome = Outcome.INSTANCE_GONE;
                detail = "instance " + instanceId + " is gone";
            }
            case SHUTDOWN -> {
                outcome = decisionOutcome(decision);
                detail = "the sidecar stops and its memory store forgets the binding";
            }
            case PARENT_ENDED -> {
                outcome = Outcome.PARENT_ENDED;
                detail = "its parent session '" + ending.parentSessionId() + "' ended";
            }
            case LOST -> {
                outcome = Outcome.LOST;
                detail = "worker " + instanceId + " lost the session and did not open it again";
            }
            default -> {
                outcome = decisionOutcome(decision);
                detail = ending.afterContextId() == null ? null : "after request " + ending.afterContextId();
            }
        }
        return new LifecycleEvent(action, outcome, sessionId, instanceId, kind, ending.contextId(),
                ending.startedNanos(), detail);
    }

    private static Outcome decisionOutcome(EngineClose decision) {
        return switch (decision) {
            case SCHEDULED -> Outcome.SCHEDULED;
            case DEFERRED -> Outcome.DEFERRED;
            case NONE -> Outcome.NONE;
        };
    }

    private static CloseReason closeReason(Ending.Reason reason) {
        return switch (reason) {
            case CLOSED -> CloseReason.CLOSE;
            case REPLACED -> CloseReason.REBIND;
            case EXPIRED -> CloseReason.EXPIRY;
            case INSTANCE_GONE -> CloseReason.INSTANCE_GONE;
            case SHUTDOWN -> CloseReason.SHUTDOWN;
            case PARENT_ENDED -> CloseReason.PARENT_ENDED;
            case LOST -> CloseReason.LOST;
        };
    }
}
