package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.affinity.TableFullException;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Every write that makes or renews a binding, with its event: a full store is 429 (recorded), and a binding the new
 * one replaced on another worker ends there.
 */
@ApplicationScoped
public class AffinityWriter {

    /** How the write is recorded. */
    public record Note(Action action, Outcome outcome, String contextId, long startedNanos, String detail) {
    }

    private final AffinityStore store;
    private final SessionEndings ends;
    private final LifecycleRecorder recorder;

    public AffinityWriter(AffinityStore store, SessionEndings ends, LifecycleRecorder recorder) {
        this.store = store;
        this.ends = ends;
        this.recorder = recorder;
    }

    /** Binds the session and records {@code note}; a replaced binding elsewhere ends, its session closed. */
    public Uni<Binding> bind(String sessionId, String instanceId, BindingKind kind, Duration ttl, Note note) {
        return store.bind(sessionId, instanceId, kind, ttl)
                .onFailure(TableFullException.class).transform(full -> tableFull(full.getMessage(), sessionId,
                        instanceId, note))
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

    /** 429 now, before any RPC, when a new session would not fit; recorded as {@code table_full}. */
    public Uni<Void> requireRoom(String sessionId, String instanceId, Note note) {
        return store.hasRoom().map(room -> {
            if (!room) {
                throw tableFull("the affinity table is full (" + store.counts().maxEntries() + " bindings); retry "
                        + "after sessions close or expire", sessionId, instanceId, note);
            }
            return null;
        });
    }

    private SidecarException tableFull(String message, String sessionId, String instanceId, Note note) {
        recorder.record(new LifecycleEvent(note.action(), Outcome.TABLE_FULL, sessionId, instanceId, null,
                note.contextId(), note.startedNanos(), message));
        return new SidecarException(Failure.TABLE_FULL, message);
    }
}
