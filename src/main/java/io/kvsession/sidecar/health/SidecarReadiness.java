package io.kvsession.sidecar.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.control.InstanceRegistry;
import io.kvsession.sidecar.control.SessionControl;
import io.kvsession.sidecar.control.WorkerCalls;
import io.kvsession.sidecar.lifecycle.CloseScheduler;
import io.kvsession.sidecar.lifecycle.DeferredCloses;
import io.kvsession.sidecar.lifecycle.LifecycleGate;

/**
 * Ready while the sidecar takes lifecycle calls — which it does with or without workers (without, opens are
 * affinity-only) — so readiness is down only while shutting down. What an operator needs to judge the sidecar is in
 * the data: session-control state, table fill, pending closes, and each worker's breaker and last health.
 */
@Readiness
@ApplicationScoped
public class SidecarReadiness implements HealthCheck {

    private final LifecycleGate gate;
    private final SessionControl control;
    private final AffinityTable table;
    private final CloseScheduler closes;
    private final DeferredCloses deferred;
    private final InstanceRegistry registry;
    private final WorkerCalls calls;

    public SidecarReadiness(LifecycleGate gate, SessionControl control, AffinityTable table, CloseScheduler closes,
            DeferredCloses deferred, InstanceRegistry registry, WorkerCalls calls) {
        this.gate = gate;
        this.control = control;
        this.table = table;
        this.closes = closes;
        this.deferred = deferred;
        this.registry = registry;
        this.calls = calls;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kvsession-sidecar")
                .status(gate.isOpen())
                .withData("session_control", control.current().map(SessionControl.State::wireName)
                        .orElse("not_probed_yet"))
                .withData("bindings", table.size())
                .withData("bindings_max", table.maxEntries())
                .withData("closes_pending", closes.pendingCount())
                .withData("closes_deferred", deferred.pendingCount());
        for (Instance instance : registry.all()) {
            response.withData("worker." + instance.id() + ".circuit",
                    calls.circuit(instance.id()).name().toLowerCase());
            response.withData("worker." + instance.id() + ".healthy",
                    calls.healthy(instance.id()).map(String::valueOf).orElse("unknown"));
        }
        return response.build();
    }
}
