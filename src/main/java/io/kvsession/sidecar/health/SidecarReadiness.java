package io.kvsession.sidecar.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.StoreCounts;
import io.kvsession.sidecar.control.SessionControl;
import io.kvsession.sidecar.control.Worker;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.control.WorkerView;
import io.kvsession.sidecar.lifecycle.LifecycleGate;
import io.kvsession.sidecar.lifecycle.WorkerCloses;

/**
 * Ready while the sidecar takes lifecycle calls — which it does with or without workers (without, opens are
 * affinity-only) — so readiness is down only while shutting down. What an operator needs to judge the sidecar is in
 * the data: session-control state, table fill, pending closes, and each worker's breaker, last health and session
 * capability.
 */
@Readiness
@ApplicationScoped
public class SidecarReadiness implements HealthCheck {

    private final LifecycleGate gate;
    private final SessionControl control;
    private final AffinityStore store;
    private final WorkerCloses closes;
    private final WorkerRegistry registry;

    public SidecarReadiness(LifecycleGate gate, SessionControl control, AffinityStore store, WorkerCloses closes,
            WorkerRegistry registry) {
        this.gate = gate;
        this.control = control;
        this.store = store;
        this.closes = closes;
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        StoreCounts counts = store.counts();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kvsession-sidecar")
                .status(gate.isOpen())
                .withData("session_control", control.current().map(SessionControl.State::wireName)
                        .orElse("not_probed_yet"))
                .withData("store", store.reachable() ? "up" : "down")
                .withData("bindings", counts.bindings())
                .withData("bindings_max", counts.maxEntries())
                .withData("closes_pending", closes.pendingCount())
                .withData("closes_deferred", closes.deferredCount());
        for (Worker worker : registry.all()) {
            WorkerView view = worker.view();
            response.withData("worker." + view.instance().id() + ".circuit", view.circuit().wireName());
            response.withData("worker." + view.instance().id() + ".healthy",
                    view.healthy().map(String::valueOf).orElse("unknown"));
            response.withData("worker." + view.instance().id() + ".capability", view.capability().wireName());
        }
        return response.build();
    }
}
