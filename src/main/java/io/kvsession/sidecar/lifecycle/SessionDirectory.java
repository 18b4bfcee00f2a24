package io.kvsession.sidecar.lifecycle;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.control.SessionControl;
import io.kvsession.sidecar.control.Worker;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.control.WorkerView;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.kvsession.sidecar.lifecycle.Results.SessionPage;
import io.kvsession.sidecar.lifecycle.Results.SessionView;
import io.smallrye.mutiny.Uni;

/** Read side: one session, pages of sessions, and the workers with their state. */
@ApplicationScoped
public class SessionDirectory {

    /**
     * One worker as an operator sees it, with the sessions bound to it.
     *
     * @param maxSessions the admission bound, null when unlimited
     */
    public record WorkerSessions(WorkerView worker, int sessions, Integer maxSessions) {
    }

    /** Session control as a whole, and each worker. */
    public record Workers(SessionControl.State sessionControl, List<WorkerSessions> workers) {
    }

    private final AffinityStore store;
    private final WorkerRegistry registry;
    private final SessionControl control;
    private final LifecycleRecorder recorder;
    private final Integer maxSessions;

    public SessionDirectory(AffinityStore store, WorkerRegistry registry, SessionControl control,
            LifecycleRecorder recorder, Admission admission) {
        this.store = store;
        this.registry = registry;
        this.control = control;
        this.recorder = recorder;
        this.maxSessions = admission.maxSessions().isPresent() ? admission.maxSessions().getAsInt() : null;
    }

    /** The session's binding and its children; {@code touch} renews its TTL. */
    public Uni<SessionView> get(String sessionId, boolean touch) {
        return Uni.createFrom().deferred(() -> {
            Inputs.requireId("session_id", sessionId);
            return (touch ? store.touch(sessionId) : store.peek(sessionId)).map(found -> {
                Binding binding = found.orElseThrow(() -> new SidecarException(Failure.NOT_FOUND,
                        "session '" + sessionId + "' is not bound (never opened, closed, or expired)"));
                if (touch) {
                    recorder.record(LifecycleEvent.of(Action.RENEW, Outcome.OK, binding, null, 0, null));
                }
                return binding;
            }).flatMap(binding -> store.children(sessionId).map(children -> new SessionView(binding, children)));
        });
    }

    /** Live sessions ordered by id, optionally of one instance; the token continues after the last one. */
    public Uni<SessionPage> list(String instanceId, Integer limit, String pageToken) {
        return Uni.createFrom().deferred(() -> {
            int size = Inputs.limit(limit);
            String filter = Inputs.optionalId("instance_id", instanceId);
            String after = pageToken == null || pageToken.isEmpty() ? null : decode(pageToken);
            return store.page(after, size, filter).map(page -> new SessionPage(page.bindings(), page.more()
                    ? encode(page.bindings().get(page.bindings().size() - 1).sessionId()) : null));
        });
    }

    /**
     * Session-control state and every worker. Before the first lifecycle call this starts the probe without
     * waiting for it, and reports {@code probing}.
     */
    public Uni<Workers> workers() {
        SessionControl.State state = control.current().orElseGet(() -> {
            control.state().subscribe().with(ignored -> {
            });
            return SessionControl.State.PROBING;
        });
        return store.countByInstance().map(sessions -> new Workers(state, views(sessions)));
    }

    private List<WorkerSessions> views(Map<String, Integer> sessions) {
        return registry.all().stream()
                .map(Worker::view)
                .map(view -> new WorkerSessions(view, sessions.getOrDefault(view.instance().id(), 0), maxSessions))
                .toList();
    }

    private static String encode(String sessionId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sessionId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String pageToken) {
        try {
            String sessionId = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            return Inputs.requireId("page_token", sessionId);
        } catch (IllegalArgumentException | SidecarException malformed) {
            throw SidecarException.invalid("page_token", "is not a token this sidecar handed out");
        }
    }
}
