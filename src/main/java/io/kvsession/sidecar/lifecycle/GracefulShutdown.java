package io.kvsession.sidecar.lifecycle;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.config.SidecarConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import sun.misc.Signal;

/**
 * SIGTERM (SPEC §3.7): stop taking lifecycle calls, start every deferred close, wait for pending closes up to
 * {@code kvsession.shutdown.drain-timeout}, then exit 0 — a drained stop is a clean stop, not a death by signal.
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    private final LifecycleGate gate;
    private final WorkerCloses closes;
    private final SidecarConfig config;

    public GracefulShutdown(LifecycleGate gate, WorkerCloses closes, SidecarConfig config) {
        this.gate = gate;
        this.closes = closes;
        this.config = config;
    }

    /** In a deployed process, SIGTERM asks Quarkus for an orderly exit with status 0. */
    void exitCleanlyOnSigterm(@Observes StartupEvent start) {
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            Signal.handle(new Signal("TERM"), signal -> Quarkus.asyncExit(0));
        }
    }

    /** Runs before the other shutdown observers, while the event loops and the worker client still work. */
    void drain(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent stop) {
        gate.close();
        int released = closes.releaseAll();
        int pending = closes.pendingCount();
        long timeout = config.shutdown().drainTimeout().toMillis();
        LOG.infof("action=shutdown outcome=draining deferred_released=%d pending_closes=%d drain_timeout_ms=%d",
                released, pending, timeout);
        long started = System.nanoTime();
        boolean drained = closes.drain(config.shutdown().drainTimeout());
        LOG.infof("action=shutdown outcome=%s latency_ms=%d", drained ? "drained" : "drain_timeout",
                (System.nanoTime() - started) / 1_000_000);
    }
}
