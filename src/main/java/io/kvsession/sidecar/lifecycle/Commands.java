package io.kvsession.sidecar.lifecycle;

import java.util.Map;

/** What clients ask of the lifecycle, as it arrives from REST or gRPC, before validation. */
public final class Commands {

    private Commands() {
    }

    /**
     * Open a KV session on the worker and bind the session to it.
     *
     * @param parentSessionId the session that spawned this one (a subagent's parent), null for none
     */
    public record Open(String sessionId, String instanceId, Long timeoutSecs, String contextId,
            Integer capacityOfStrLen, String parentSessionId) {
    }

    /** Bind the session to the instance, affinity only. */
    public record Bind(String sessionId, String instanceId, Long timeoutSecs, String parentSessionId) {
    }

    /**
     * Unbind the session and close its KV session.
     *
     * @param instanceId where to close when the session is not bound
     * @param afterContextId defer the worker close until that request finishes
     */
    public record Close(String sessionId, String instanceId, String contextId, String afterContextId) {
    }

    /** The session part of a routed request; {@code action} is {@code open|bind|close} or null. */
    public record SessionDirective(String sessionId, String action, Long timeout, String parentSessionId) {
    }

    /**
     * Route one request.
     *
     * @param instanceId the router's own pick, used when the session is not bound
     * @param session null for a request outside any session, or one named by its headers
     * @param headers the generate request's headers as the router saw them, null when none were passed
     * @param affinityMode {@code hard} or {@code soft} for this request; null for the configured mode
     * @param parentSessionId the parent of the routed session, null for none
     */
    public record Route(String contextId, String instanceId, SessionDirective session, Map<String, String> headers,
            String affinityMode, String parentSessionId) {
    }
}
