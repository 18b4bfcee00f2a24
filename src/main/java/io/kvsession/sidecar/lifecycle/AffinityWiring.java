package io.kvsession.sidecar.lifecycle;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.ExpiryListener;
import io.kvsession.sidecar.affinity.Limits;
import io.kvsession.sidecar.affinity.MemoryAffinityStore;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.config.StoreKind;
import io.kvsession.sidecar.store.CloseLedger;
import io.quarkus.runtime.StartupEvent;

/**
 * Puts the plain-Java affinity store into the application: the wall clock, the periodic reaper, and what an expiry
 * does — it ends the binding, closing an engine session with context {@value Ending#REAPER_CONTEXT} (SPEC §2.6).
 */
@ApplicationScoped
public class AffinityWiring {

    private static final Logger LOG = Logger.getLogger(AffinityWiring.class);

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    AffinityStore affinityStore(Clock clock, SidecarConfig config, SessionEndings ends, RedisHolder redis) {
        ExpiryListener expired = binding -> ends.ended(binding, Ending.expired());
        Limits limits = limits(config);
        int maxEntries = limits.maxEntries();
        if (config.affinity().store() == StoreKind.REDIS) {
            LOG.infof("action=affinity_store outcome=redis at=%s prefix=%s max_entries=%d: bindings are shared by "
                    + "every replica with this prefix and kept across restarts", redis.where(),
                    config.affinity().redis().prefix(), maxEntries);
            return redis.stores().affinity(clock, limits, expired);
        }
        LOG.infof("action=affinity_store outcome=memory max_entries=%d: bindings live in this process only and start "
                + "empty; a restart forgets them (on SIGTERM their worker sessions are closed). "
                + "kvsession.affinity.store=redis shares them between replicas and keeps them across restarts.",
                maxEntries);
        return new MemoryAffinityStore(new AffinityTable(clock, limits, expired));
    }

    /** The store's bounds, from {@code kvsession.affinity.*}, {@code kvsession.admission.*} and {@code agents.*}. */
    static Limits limits(SidecarConfig config) {
        return new Limits(config.affinity().maxEntries(),
                config.admission().maxSessionsPerInstance().orElse(Limits.UNLIMITED), config.agents().maxDepth(),
                config.agents().maxChildren());
    }

    @Produces
    @Singleton
    CloseLedger closeLedger(SidecarConfig config, RedisHolder redis) {
        return config.affinity().store() == StoreKind.REDIS ? redis.stores().closes() : CloseLedger.NONE;
    }

    /**
     * Every reaper interval: the holds of requests past {@code kvsession.guard.max-wait} are released (their finish
     * never came), then what expired is swept.
     */
    void startReaper(@Observes StartupEvent start, AffinityStore store, LifecycleTimers timers,
            SidecarConfig config, LifecycleRecorder recorder) {
        timers.every(config.affinity().reaperInterval(), () -> store.releaseOverdue()
                .invoke(overdue -> overdue.forEach(contextId -> recorder.record(new LifecycleEvent(
                        LifecycleEvent.Action.FINISH, LifecycleEvent.Outcome.GUARD_TIMEOUT, null, null, null,
                        contextId, 0, "the request held its sessions for kvsession.guard.max-wait ("
                                + config.guard().maxWait().toSeconds() + " s) without finishing; released"))))
                .flatMap(released -> store.reap())
                .subscribe().with(expired -> {
                }, failure -> LOG.debugf("action=reap outcome=failed: %s", failure.getMessage())));
    }
}
