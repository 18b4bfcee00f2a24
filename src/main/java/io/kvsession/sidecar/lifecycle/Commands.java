package io.kvsession.sidecar.lifecycle;

/** What clients ask of the lifecycle, as it arrives from REST or gRPC, before validation. */
public final class Commands {

    private Commands() {
    }

    /** Open a KV session on the worker and bind the session to it. */
    public record Open(String sessionId, String instanceId, Long timeoutSecs, String contextId,
            Integer capacityOfStrLen) {
    }

    /** Bind the session to the instance, affinity only. */
    public record Bind(String sessionId, String instanceId, Long timeoutSecs) {
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
    public record SessionDirective(String sessionId, String action, Long timeout) {
    }

    /**
     * Route one request.
     *
     * @param instanceId the router's own pick, used when the session is not bound
     * @param session null for a request outside any session
     */
    public record Route(String contextId, String instanceId, SessionDirective session) {
    }
}
