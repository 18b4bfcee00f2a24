package io.kvsession.sidecar.rest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.control.WorkerView;
import io.kvsession.sidecar.lifecycle.Results.SessionView;
import io.kvsession.sidecar.lifecycle.SessionDirectory.WorkerSessions;

/** JSON bodies of the /v1 API; fields are snake_case on the wire (quarkus.jackson.property-naming-strategy). */
public final class Bodies {

    private Bodies() {
    }

    @Schema(description = "Open a KV session on the worker and bind the session to it")
    public record OpenRequest(
            @Schema(required = true, description = "Worker to open on", examples = "w1") String instanceId,
            @Schema(description = "Sliding TTL in seconds, 1–31536000", defaultValue = "300") Long timeoutSecs,
            @Schema(description = "Request that causes the open, for logs") String contextId,
            @Schema(description = "Capacity sent to the worker", defaultValue = "65536") Integer capacityOfStrLen,
            @Schema(description = "The parent session (a subagent's), which must be bound; closing or expiring it "
                    + "closes this one") String parentSessionId) {
    }

    @Schema(description = "Bind the session to an instance, affinity only")
    public record BindRequest(
            @Schema(required = true, examples = "w1") String instanceId,
            @Schema(description = "Sliding TTL in seconds, 1–31536000", defaultValue = "300") Long timeoutSecs,
            @Schema(description = "The parent session, as on open") String parentSessionId) {
    }

    @Schema(description = "Unbind the session and close its KV session")
    public record CloseRequest(
            @Schema(description = "Worker to close on when the session is not bound here") String instanceId,
            @Schema(description = "Request that causes the close, for logs") String contextId,
            @Schema(description = "Hold the worker close until this request finishes") String afterContextId) {
    }

    @Schema(description = "Session part of a routed request")
    public record SessionControlBody(
            @Schema(required = true) String sessionId,
            @Schema(enumeration = { "open", "bind", "close" }, nullable = true) String action,
            @Schema(description = "TTL in seconds for open and bind") Long timeout,
            @Schema(description = "The session's parent, as parent_session_id") String parentSessionId) {
    }

    @Schema(description = "One request to route")
    public record RouteRequest(
            @Schema(description = "The request's id; required for action close") String contextId,
            @Schema(description = "The router's own pick, used when the session is not bound") String instanceId,
            @Schema(nullable = true) SessionControlBody sessionControl,
            @Schema(description = "The generate request's headers. Without session_control the configured headers "
                    + "name the session (x-dynamo-session-id, x-session-id), its parent (x-dynamo-parent-session-id) "
                    + "and its last request (x-dynamo-session-final: true); names are case-insensitive")
            Map<String, String> headers,
            @Schema(enumeration = { "hard", "soft" }, description = "What happens when the bound worker is gone, "
                    + "unhealthy or its circuit is open; default kvsession.routing.affinity-mode") String affinityMode,
            @Schema(description = "The routed session's parent: an unbound child goes to its parent's worker")
            String parentSessionId) {
    }

    @Schema(description = "A session bound to an instance")
    public record Session(String sessionId, String instanceId,
            @Schema(enumeration = { "engine_backed", "router_only" }) String kind,
            @Schema(description = "Whether the worker holds a KV session for it") boolean engineSession,
            long timeoutSecs,
            @Schema(description = "RFC 3339 UTC; pushed back by every touch and by the finish of the last request "
                    + "in flight") Instant expiresAt,
            @Schema(nullable = true, description = "The session that spawned this one; null for a root")
            String parentSessionId,
            @Schema(description = "Routed requests not finished yet; while any is, the session does not expire")
            int inFlight,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "Sessions that name this one as their parent, ordered by id (GET only)")
            List<String> children) {

        static Session of(Binding binding) {
            return of(binding, null);
        }

        static Session of(SessionView view) {
            return of(view.binding(), view.children());
        }

        private static Session of(Binding binding, List<String> children) {
            return new Session(binding.sessionId(), binding.instanceId(), binding.kind().wireName(),
                    binding.kind().engineBacked(), binding.timeout().toSeconds(), binding.expiresAt(),
                    binding.parentSessionId(), binding.inFlight(), children);
        }
    }

    @Schema(description = "What happens to the worker's KV session after a close")
    public record Close(String sessionId, @Schema(nullable = true) String instanceId,
            @Schema(enumeration = { "scheduled", "deferred", "none" }) String engineClose) {
    }

    public record SessionList(List<Session> sessions,
            @Schema(nullable = true, description = "Pass as page_token for the next page; null on the last") String nextPageToken) {
    }

    public record Route(String instanceId, boolean sticky, boolean engineSession, boolean deferredClose,
            @Schema(description = "Soft affinity moved the session here from a worker that could not serve it")
            boolean rebound) {
    }

    public record Finish(String contextId, List<String> closedSessions) {
    }

    public record Worker(String instanceId, String url, @Schema(enumeration = { "sglang", "dynamo" }) String protocol,
            @Schema(nullable = true, description = "Last observed health; null before the first probe") Boolean healthy,
            @Schema(enumeration = { "closed", "open", "half_open" }) String circuit,
            @Schema(enumeration = { "streaming", "radix", "none", "unknown" },
                    description = "The KV sessions the worker offers, from its server info or its answers")
            String capability,
            int sessions,
            @Schema(nullable = true, description = "kvsession.admission.max-sessions-per-instance; null when "
                    + "unlimited") Integer maxSessions) {

        static Worker of(WorkerSessions worker) {
            WorkerView view = worker.worker();
            return new Worker(view.instance().id(), view.instance().url().toString(),
                    view.instance().protocol().wireName(), view.healthy().orElse(null), view.circuit().wireName(),
                    view.capability().wireName(), worker.sessions(), worker.maxSessions());
        }
    }

    public record Workers(@Schema(enumeration = { "available", "unavailable", "probing" }) String sessionControl,
            List<Worker> workers) {
    }
}
