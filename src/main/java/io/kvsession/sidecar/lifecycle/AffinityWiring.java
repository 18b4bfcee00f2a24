package io.kvsession.sidecar.lifecycle;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.MemoryAffinityStore;
import io.kvsession.sidecar.config.SidecarConfig;
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
    AffinityStore affinityStore(Clock clock, SidecarConfig config, SessionEndings ends) {
        LOG.infof("action=affinity_store outcome=memory max_entries=%d: bindings live in this process only and start "
                + "empty; a restart forgets them (on SIGTERM their worker sessions are closed). "
                + "kvsession.affinity.store=redis shares them between replicas and keeps them across restarts.",
                config.affinity().maxEntries());
        return new MemoryAffinityStore(new AffinityTable(clock, config.affinity().maxEntries(),
                expired -> ends.ended(expired, Ending.expired())));
    }

    void startReaper(@Observes StartupEvent start, AffinityStore store, LifecycleTimers timers,
            SidecarConfig config) {
        timers.every(config.affinity().reaperInterval(), () -> store.reap().subscribe().with(expired -> {
        }));
    }
}
