package io.kvsession.sidecar.lifecycle;

import java.util.List;
import java.util.Locale;

import io.kvsession.sidecar.affinity.Binding;

/** What the lifecycle answers, before REST or gRPC shape it. */
public final class Results {

    private Results() {
    }

    /** What happens to the worker's KV session after a close. */
    public enum EngineClose {
        /** Closing in the background now. */
        SCHEDULED,
        /** Closing once the named request finishes. */
        DEFERRED,
        /** There is no KV session to close. */
        NONE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Closed(String sessionId, String instanceId, EngineClose engineClose) {
    }

    /** @param rebound soft affinity moved the session to this instance */
    public record Routed(String instanceId, boolean sticky, boolean engineSession, boolean deferredClose,
            boolean rebound) {
    }

    public record Finished(String contextId, List<String> closedSessions) {
    }

    /** One session as {@code GET} shows it: its binding and the sessions that name it as their parent. */
    public record SessionView(Binding binding, List<String> children) {
    }

    /** @param nextPageToken null on the last page */
    public record SessionPage(List<Binding> sessions, String nextPageToken) {
    }
}
