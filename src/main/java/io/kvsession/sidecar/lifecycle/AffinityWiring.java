package io.kvsession.sidecar.lifecycle;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.InstanceRegistry;
import io.kvsession.sidecar.lifecycle.LifecycleJournal.Severity;
import io.quarkus.runtime.StartupEvent;

/**
 * Puts the plain-Java affinity table into the application: the wall clock, the periodic reaper, and what an expiry
 * does — tell watchers, and close the worker's session with context {@value #REAPER_CONTEXT} (SPEC §2.6).
 */
@ApplicationScoped
public class AffinityWiring {

    public static final String REAPER_CONTEXT = "session-affinity-reaper";

    private final SessionEvents events;
    private final LifecycleJournal journal;
    private final CloseScheduler closes;
    private final InstanceRegistry registry;

    public AffinityWiring(SessionEvents events, LifecycleJournal journal, CloseScheduler closes,
            InstanceRegistry registry) {
        this.events = events;
        this.journal = journal;
        this.closes = closes;
        this.registry = registry;
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    AffinityTable affinityTable(Clock clock, SidecarConfig config) {
        return new AffinityTable(clock, config.affinity().maxEntries(), this::expired);
    }

    void startReaper(@Observes StartupEvent start, AffinityTable table, LifecycleTimers timers,
            SidecarConfig config) {
        timers.every(config.affinity().reaperInterval(), table::reap);
    }

    private void expired(Binding binding) {
        journal.record("expired", binding.kind().name().toLowerCase(), Severity.NORMAL, binding.sessionId(),
                binding.instanceId(), REAPER_CONTEXT, 0, "idle for " + binding.timeout().toSeconds() + " s");
        events.publish(SessionEvent.Type.EXPIRED, binding, REAPER_CONTEXT, "ttl of "
                + binding.timeout().toSeconds() + " s lapsed");
        if (binding.kind().engineBacked()) {
            registry.find(binding.instanceId()).ifPresent(instance -> closes.schedule(binding.sessionId(), instance,
                    binding.timeout(), REAPER_CONTEXT, "expiry"));
        }
    }
}
