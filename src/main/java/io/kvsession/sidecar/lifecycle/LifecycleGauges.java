package io.kvsession.sidecar.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.control.SessionControl;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/** The state an operator watches, as Prometheus gauges read at scrape time. */
@ApplicationScoped
public class LifecycleGauges {

    void register(@Observes StartupEvent start, MeterRegistry registry, AffinityTable table, CloseScheduler closes,
            DeferredCloses deferred, SessionControl control) {
        for (BindingKind kind : BindingKind.values()) {
            Gauge.builder("kvsession.bindings", table, t -> t.count(kind))
                    .description("Sessions bound to an instance, by kind")
                    .tag("kind", kind.name().toLowerCase())
                    .register(registry);
        }
        Gauge.builder("kvsession.bindings.max", table, AffinityTable::maxEntries)
                .description("Most bindings the table holds (kvsession.affinity.max-entries)")
                .register(registry);
        Gauge.builder("kvsession.closes.pending", closes, CloseScheduler::pendingCount)
                .description("Worker closes running or waiting to retry")
                .register(registry);
        Gauge.builder("kvsession.closes.deferred", deferred, DeferredCloses::pendingCount)
                .description("Worker closes waiting for their request to finish")
                .register(registry);
        for (SessionControl.State state : SessionControl.State.values()) {
            Gauge.builder("kvsession.session.control", control,
                    c -> c.current().filter(state::equals).isPresent() ? 1 : 0)
                    .description("Session-control state: 1 for the current one (none before the first call)")
                    .tag("state", state.wireName())
                    .register(registry);
        }
    }
}
