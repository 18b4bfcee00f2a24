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
    /**
     * The capability came from an open's answer ("Streaming sessions are disabled"), not from the worker's server
     * info. A worker that has no server info cannot say otherwise, so its reads leave this standing — re-reading every
     * retry-after would forget it, try (and be refused) once more and warn again — until the worker restarts.
     */
    private volatile boolean taughtByOpen;

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
        if (info.capability() != Capability.UNKNOWN || !taughtByOpen) {
            learned(info.capability(), false);
        }
        String before = boot;
        boot = info.boot();
        return before != null && info.boot() != null && !before.equals(info.boot());
    }

    /** An open's answer showed what the worker offers. */
    void taught(Capability now) {
        learned(now, true);
    }

    /** The worker restarted: what an open taught may no longer hold. */
    void restarted() {
        if (taughtByOpen) {
            learned(Capability.UNKNOWN, false);
        }
    }

    private void learned(Capability now, boolean byOpen) {
        taughtByOpen = byOpen;
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
