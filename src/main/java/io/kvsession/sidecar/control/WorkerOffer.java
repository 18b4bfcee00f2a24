package io.kvsession.sidecar.control;

import org.jboss.logging.Logger;

/**
 * What one worker offers, as learnt: its session capability, when that was read, and its boot. A worker that turns
 * out to offer no sessions is warned of once, when that is learnt.
 */
final class WorkerOffer {

    private static final Logger LOG = Logger.getLogger(Worker.class);

    private final String instanceId;
    private volatile Capability capability = Capability.UNKNOWN;
    /** When the server info was last read; 0 before the first read. */
    private volatile long readAtNanos;
    private volatile String boot;

    WorkerOffer(String instanceId) {
        this.instanceId = instanceId;
    }

    Capability capability() {
        return capability;
    }

    long readAtNanos() {
        return readAtNanos;
    }

    /** Takes in a server info read at {@code nowNanos}; true when it shows a new boot of a worker seen before. */
    boolean read(ServerInfo info, long nowNanos) {
        readAtNanos = nowNanos;
        learned(info.capability());
        String before = boot;
        boot = info.boot();
        return before != null && info.boot() != null && !before.equals(info.boot());
    }

    void learned(Capability now) {
        Capability before = capability;
        capability = now;
        if (now == Capability.NONE && before != Capability.NONE) {
            LOG.warnf("action=session_capability outcome=none worker_id=%s: this worker offers no KV sessions, so "
                    + "opens on it bind affinity only (router_only). Launch it with --enable-streaming-session "
                    + "(pinned sessions) or --enable-session-radix-cache (radix-cache sessions).", instanceId);
        } else if (now != before) {
            LOG.infof("action=session_capability outcome=%s worker_id=%s", now.wireName(), instanceId);
        }
    }
}
