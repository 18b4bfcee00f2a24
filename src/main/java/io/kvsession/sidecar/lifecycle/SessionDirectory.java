package io.kvsession.sidecar.lifecycle;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.control.InstanceRegistry;
import io.kvsession.sidecar.control.SessionControl;
import io.kvsession.sidecar.control.WorkerCalls;
import io.kvsession.sidecar.lifecycle.Results.SessionPage;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;

/** Read side: one session, pages of sessions, and the workers with their state. */
@ApplicationScoped
public class SessionDirectory {

    /** One worker as an operator sees it. */
    public record WorkerView(Instance instance, Optional<Boolean> healthy, CircuitBreakerState circuit,
            int sessions) {
    }

    /** Session control as a whole, and each worker. */
    public record Workers(SessionControl.State sessionControl, List<WorkerView> workers) {
    }

    private final AffinityTable table;
    private final InstanceRegistry registry;
    private final SessionControl control;
    private final WorkerCalls calls;
    private final SessionEvents events;

    public SessionDirectory(AffinityTable table, InstanceRegistry registry, SessionControl control,
            WorkerCalls calls, SessionEvents events) {
        this.table = table;
        this.registry = registry;
        this.control = control;
        this.calls = calls;
        this.events = events;
    }

    /** The session's binding; {@code touch} renews its TTL. */
    public Uni<Binding> get(String sessionId, boolean touch) {
        Inputs.requireId("session_id", sessionId);
        Optional<Binding> found = touch ? table.touch(sessionId) : table.peek(sessionId);
        if (found.isEmpty()) {
            return Uni.createFrom().failure(new SidecarException(Failure.NOT_FOUND,
                    "session '" + sessionId + "' is not bound (never opened, closed, or expired)"));
        }
        if (touch) {
            events.publish(SessionEvent.Type.RENEWED, found.get(), null, null);
        }
        return Uni.createFrom().item(found.get());
    }

    /** Live sessions ordered by id, optionally of one instance; the token continues after the last one. */
    public Uni<SessionPage> list(String instanceId, Integer limit, String pageToken) {
        int size = Inputs.limit(limit);
        String filter = Inputs.optionalId("instance_id", instanceId);
        String after = pageToken == null || pageToken.isEmpty() ? null : decode(pageToken);
        AffinityTable.Page page = table.page(after, size, filter);
        String next = page.more() ? encode(page.bindings().get(page.bindings().size() - 1).sessionId()) : null;
        return Uni.createFrom().item(new SessionPage(page.bindings(), next));
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
        Map<String, Integer> sessions = table.countByInstance();
        List<WorkerView> views = registry.all().stream()
                .map(instance -> new WorkerView(instance, calls.healthy(instance.id()), calls.circuit(instance.id()),
                        sessions.getOrDefault(instance.id(), 0)))
                .toList();
        return Uni.createFrom().item(new Workers(state, views));
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
