package io.kvsession.sidecar.lifecycle;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

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

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    AffinityStore affinityStore(Clock clock, SidecarConfig config, SessionEndings ends) {
        return new MemoryAffinityStore(new AffinityTable(clock, config.affinity().maxEntries(),
                expired -> ends.ended(expired, Ending.expired())));
    }

    void startReaper(@Observes StartupEvent start, AffinityStore store, LifecycleTimers timers,
            SidecarConfig config) {
        timers.every(config.affinity().reaperInterval(), () -> store.reap().subscribe().with(expired -> {
        }));
    }
}
