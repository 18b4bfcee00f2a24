package io.kvsession.sidecar.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.control.SessionControl;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/** The state an operator watches, as Prometheus gauges read at scrape time. */
@ApplicationScoped
public class LifecycleGauges {

    void register(@Observes StartupEvent start, MeterRegistry registry, AffinityStore store, WorkerCloses closes,
            SessionControl control) {
        for (BindingKind kind : BindingKind.values()) {
            Gauge.builder("kvsession.bindings", store, s -> s.counts().of(kind))
                    .description("Sessions bound to an instance, by kind")
                    .tag("kind", kind.wireName())
                    .register(registry);
        }
        Gauge.builder("kvsession.bindings.max", store, s -> s.counts().maxEntries())
                .description("Most bindings the table holds (kvsession.affinity.max-entries)")
                .register(registry);
        Gauge.builder("kvsession.closes.pending", closes, WorkerCloses::pendingCount)
                .description("Worker closes running or waiting to retry")
                .register(registry);
        Gauge.builder("kvsession.closes.deferred", closes, WorkerCloses::deferredCount)
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
