package io.kvsession.sidecar.lifecycle;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.BindRefusedException;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.Worker;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.lifecycle.AffinityWriter.Note;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Uni;

/**
 * Admission per worker (SPEC §9.5): with {@code kvsession.admission.max-sessions-per-instance} set, a session new to a
 * full worker is refused with 429 and the healthy worker with the most room as {@code suggested_instance_id}. The
 * store enforces the bound atomically on every bind; this checks it before a worker RPC as well, so that a full
 * worker is not asked to open a session it could not keep.
 */
@ApplicationScoped
public class Admission {

    private final AffinityStore store;
    private final WorkerRegistry registry;
    private final LifecycleRecorder recorder;
    private final OptionalInt max;

    public Admission(AffinityStore store, WorkerRegistry registry, LifecycleRecorder recorder,
            SidecarConfig config) {
        this.store = store;
        this.registry = registry;
        this.recorder = recorder;
        this.max = config.admission().maxSessionsPerInstance();
    }

    /** The bound, empty when unlimited. */
    public OptionalInt maxSessions() {
        return max;
    }

    /** 429 now, before any RPC, when the session would be new on a full worker. */
    public Uni<Void> requireRoom(String sessionId, String instanceId, Note note) {
        if (max.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.hasRoomOn(instanceId).flatMap(room -> room ? Uni.createFrom().voidItem()
                : refuse(sessionId, instanceId, note,
                        BindRefusedException.instanceFull(instanceId, max.getAsInt()).getMessage()));
    }

    /** The refusal of a session on a full worker: recorded as {@code instance_full}, with the suggestion. */
    public <T> Uni<T> refuse(String sessionId, String instanceId, Note note, String why) {
        return suggestion(instanceId).map(suggested -> {
            String message = why + suggested.map(id -> "; instance '" + id + "' has room")
                    .orElse("; no healthy instance has room");
            recorder.record(new LifecycleEvent(note.action(), Outcome.INSTANCE_FULL, sessionId, instanceId, null,
                    note.contextId(), note.startedNanos(), message));
            throw new AdmissionException(message, suggested.orElse(null));
        });
    }

    /** The available worker, other than {@code excluding}, with the most room; ties go to the smaller id. */
    private Uni<Optional<String>> suggestion(String excluding) {
        int bound = max.orElse(Integer.MAX_VALUE);
        return store.countByInstance().map(counts -> registry.all().stream()
                .filter(worker -> !worker.id().equals(excluding) && worker.view().unavailable().isEmpty())
                .filter(worker -> held(counts, worker) < bound)
                .min(Comparator.<Worker> comparingInt(worker -> held(counts, worker)).thenComparing(Worker::id))
                .map(Worker::id));
    }

    private static int held(Map<String, Integer> counts, Worker worker) {
        return counts.getOrDefault(worker.id(), 0);
    }
}
