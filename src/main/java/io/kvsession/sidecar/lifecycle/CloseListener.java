package io.kvsession.sidecar.lifecycle;

import java.time.Duration;

import io.smallrye.mutiny.Uni;

/**
 * Told of each close that starts and each that is owed no more (landed or given up), to write it down; asked,
 * before a close written down earlier is sent, whether a re-open elsewhere has called it off.
 */
public interface CloseListener {

    /** A close owed since {@code sinceNanos} starts. */
    void scheduled(SessionOnWorker key, Duration ttl, String contextId, CloseReason reason, boolean rollback,
            long sinceNanos);

    void settled(SessionOnWorker key);

    /** Whether the session was opened on the worker again, through another replica, after {@code sinceNanos}. */
    Uni<Boolean> calledOff(SessionOnWorker key, long sinceNanos);

    CloseListener NONE = new CloseListener() {
        @Override
        public void scheduled(SessionOnWorker key, Duration ttl, String contextId, CloseReason reason,
                boolean rollback, long sinceNanos) {
        }

        @Override
        public void settled(SessionOnWorker key) {
        }

        @Override
        public Uni<Boolean> calledOff(SessionOnWorker key, long sinceNanos) {
            return Uni.createFrom().item(false);
        }
    };
}
