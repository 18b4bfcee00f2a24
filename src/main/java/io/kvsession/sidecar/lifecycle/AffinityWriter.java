package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.BindRefusedException;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.affinity.Limits;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Every write that makes or renews a binding, with its event: a limit that refuses it answers as the client is told
 * (recorded), and a binding the new one replaced on another worker ends there.
 */
@ApplicationScoped
public class AffinityWriter {

    /** How the write is recorded. */
    public record Note(Action action, Outcome outcome, String contextId, long startedNanos, String detail) {
    }

    private final AffinityStore store;
    private final SessionEndings ends;
    private final LifecycleRecorder recorder;
    private final Admission admission;
    private final Limits limits;

    public AffinityWriter(AffinityStore store, SessionEndings ends, LifecycleRecorder recorder, Admission admission,
            SidecarConfig config) {
        this.store = store;
        this.ends = ends;
        this.recorder = recorder;
        this.admission = admission;
        this.limits = AffinityWiring.limits(config);
    }

    /**
     * Binds the session and records {@code note}; a replaced binding elsewhere ends, its session closed. A child
     * names its parent; null keeps the parent the session had.
     */
    public Uni<Binding> bind(String sessionId, String instanceId, BindingKind kind, Duration ttl,
            String parentSessionId, Note note) {
        return store.bind(sessionId, instanceId, kind, ttl, parentSessionId)
                .onFailure(BindRefusedException.class).recoverWithUni(refused -> refused(
                        (BindRefusedException) refused, sessionId, instanceId, note))
                .map(bound -> {
                    bound.replaced().filter(old -> !old.instanceId().equals(instanceId)
                            || (old.kind().engineBacked() && !kind.engineBacked()))
                            .ifPresent(old -> ends.ended(old, Ending.replaced(note.contextId())));
                    recorder.record(LifecycleEvent.of(note.action(), note.outcome(), bound.binding(),
                            note.contextId(), note.startedNanos(), note.detail()));
                    return bound.binding();
                });
    }

    /** Renews a binding the call found in place, recorded as {@code already_bound}. */
    public Uni<Binding> renew(Binding bound, Action action, String contextId, long startedNanos) {
        return store.touch(bound.sessionId()).map(renewed -> {
            Binding current = renewed.orElse(bound);
            recorder.record(LifecycleEvent.of(action, Outcome.ALREADY_BOUND, current, contextId, startedNanos,
                    null));
            return current;
        });
    }

    /** Renews the session's binding if it is engine-backed on that instance; empty otherwise. */
    public Uni<Optional<Binding>> renewIfEngineBacked(String sessionId, String instanceId, Action action,
            String contextId, long startedNanos) {
        return store.peek(sessionId).flatMap(current -> current
                .filter(bound -> bound.kind().engineBacked() && bound.instanceId().equals(instanceId))
                .map(bound -> renew(bound, action, contextId, startedNanos).map(Optional::of))
                .orElseGet(() -> Uni.createFrom().item(Optional.empty())));
    }

    /**
     * Refuses now, before any RPC, what a bind would refuse after it: a new session when the table is full, a session
     * new to a full worker, a parent that is unbound, too deep, or has its maximum of children.
     *
     * @param current the session's binding as the caller found it
     */
    public Uni<Void> admit(String sessionId, String instanceId, Optional<Binding> current, String parentSessionId,
            Note note) {
        Uni<Void> room = current.isPresent() ? Uni.createFrom().voidItem() : store.hasRoom().map(free -> {
            if (!free) {
                throw tableFull(BindRefusedException.tableFull(limits.maxEntries()).getMessage(), sessionId,
                        instanceId, note);
            }
            return null;
        });
        boolean newOnWorker = current.map(bound -> !bound.instanceId().equals(instanceId)).orElse(true);
        return room.flatMap(ignored -> newOnWorker ? admission.requireRoom(sessionId, instanceId, note)
                : Uni.createFrom().voidItem())
                .flatMap(ignored -> parentSessionId == null ? Uni.createFrom().voidItem()
                        : parentAdmits(sessionId, instanceId, parentSessionId, note));
    }

    private Uni<Void> parentAdmits(String sessionId, String instanceId, String parentSessionId, Note note) {
        return store.peek(parentSessionId).flatMap(parent -> {
            if (parent.isEmpty()) {
                return refused(BindRefusedException.parentUnbound(parentSessionId), sessionId, instanceId, note);
            }
            if (parent.get().depth() >= limits.maxDepth()) {
                return refused(BindRefusedException.tooDeep(parentSessionId, limits.maxDepth()), sessionId,
                        instanceId, note);
            }
            return store.children(parentSessionId).flatMap(children -> children.size() >= limits.maxChildren()
                    && !children.contains(sessionId)
                            ? refused(BindRefusedException.tooManyChildren(parentSessionId, limits.maxChildren()),
                                    sessionId, instanceId, note)
                            : Uni.createFrom().voidItem());
        });
    }

    /** A limit refused the bind: the failure the client is told, recorded. */
    private <T> Uni<T> refused(BindRefusedException refused, String sessionId, String instanceId, Note note) {
        SidecarException told = switch (refused.reason()) {
            case TABLE_FULL -> tableFull(refused.getMessage(), sessionId, instanceId, note);
            case INSTANCE_FULL -> null;
            case PARENT_UNBOUND -> new SidecarException(Failure.NOT_FOUND, "parent_session_id: "
                    + refused.getMessage());
            case TOO_DEEP -> SidecarException.invalid("parent_session_id", "is refused: " + refused.getMessage());
            case TOO_MANY_CHILDREN -> new SidecarException(Failure.TOO_MANY_CHILDREN, refused.getMessage());
        };
        if (told == null) {
            return admission.refuse(sessionId, instanceId, note, refused.getMessage());
        }
        if (refused.reason() != BindRefusedException.Reason.TABLE_FULL) {
            recorder.record(new LifecycleEvent(note.action(), Outcome.TREE_LIMIT, sessionId, instanceId, null,
                    note.contextId(), note.startedNanos(), told.getMessage()));
        }
        return Uni.createFrom().failure(told);
    }

    private SidecarException tableFull(String message, String sessionId, String instanceId, Note note) {
        recorder.record(new LifecycleEvent(note.action(), Outcome.TABLE_FULL, sessionId, instanceId, null,
                note.contextId(), note.startedNanos(), message));
        return new SidecarException(Failure.TABLE_FULL, message);
    }
}
