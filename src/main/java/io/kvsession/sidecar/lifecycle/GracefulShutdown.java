package io.kvsession.sidecar.lifecycle;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingPage;
import io.kvsession.sidecar.config.SidecarConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import sun.misc.Signal;

/**
 * SIGTERM (SPEC §3.7): stop taking lifecycle calls, close the worker sessions of bindings the memory store would
 * forget, start every deferred close, wait for pending closes up to {@code kvsession.shutdown.drain-timeout}, then
 * exit 0 — a drained stop is a clean stop, not a death by signal.
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    private final LifecycleGate gate;
    private final WorkerCloses closes;
    private final AffinityStore store;
    private final SessionEndings ends;
    private final SidecarConfig config;

    public GracefulShutdown(LifecycleGate gate, WorkerCloses closes, AffinityStore store, SessionEndings ends,
            SidecarConfig config) {
        this.gate = gate;
        this.closes = closes;
        this.store = store;
        this.ends = ends;
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
        int forgotten = LaunchMode.current() == LaunchMode.NORMAL && !store.durable() ? endEngineSessions() : 0;
        if (forgotten > 0) {
            LOG.infof("action=shutdown outcome=closing_memory_bindings sessions=%d: the memory store forgets them, "
                    + "so their worker sessions are closed now", forgotten);
        }
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

    /**
     * Ends every engine-backed binding of a store that dies with the process, closing its worker session: the
     * sessions would otherwise stay on the workers, unknown to the next start. Blocking is fine here: this is the
     * shutdown thread, and the memory store answers at once.
     */
    private int endEngineSessions() {
        int ended = 0;
        String after = null;
        BindingPage page;
        do {
            page = store.page(after, Inputs.MAX_PAGE, null).await().atMost(Duration.ofSeconds(5));
            for (Binding binding : page.bindings()) {
                if (binding.kind().engineBacked()
                        && Boolean.TRUE.equals(store.unbind(binding).await().atMost(Duration.ofSeconds(5)))) {
                    ends.ended(binding, Ending.shutdown());
                    ended++;
                }
            }
            after = page.bindings().isEmpty() ? null : page.bindings().get(page.bindings().size() - 1).sessionId();
        } while (page.more());
        return ended;
    }
}
