package io.kvsession.sidecar.control.dynamo;

import java.util.Collection;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.control.InstancesChanged;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Dynamo workers from etcd (SPEC §6): the instances registered under
 * {@code v1/instances/{namespace}/{component}/{endpoint}/}, each with id the decimal u64 instance id and url
 * {@code tcp://} its request-plane address. Off unless {@code kvsession.discovery.etcd.endpoints} is set.
 */
@ApplicationScoped
public class EtcdDiscovery {

    private static final Logger LOG = Logger.getLogger(EtcdDiscovery.class);

    private final WorkerRegistry registry;
    private final SidecarConfig.Etcd config;
    private final Vertx vertx;
    private EtcdWatch watch;

    public EtcdDiscovery(WorkerRegistry registry, SidecarConfig config, Vertx vertx) {
        this.registry = registry;
        this.config = config.discovery().etcd();
        this.vertx = vertx;
    }

    /** Started from the main thread, so that its connections and timers belong to no request's verticle. */
    void start(@Observes StartupEvent start) {
        List<String> endpoints = config.endpoints().orElse(List.of()).stream().map(String::strip)
                .filter(endpoint -> !endpoint.isEmpty()).toList();
        if (endpoints.isEmpty()) {
            return;
        }
        String namespace = required(config.namespace().orElse(""), "namespace", "dynamo");
        String component = required(config.component().orElse(""), "component", "backend");
        String prefix = EtcdInstances.prefix(namespace, component, required(config.endpoint(), "endpoint",
                "session_control"));
        LOG.infof("action=discovery outcome=started source=etcd endpoints=%s prefix=%s", endpoints, prefix);
        watch = new EtcdWatch(vertx.getDelegate(), endpoints, prefix, this::apply);
        watch.start();
    }

    /** The one place etcd's view reaches the registry. */
    private void apply(Collection<Instance> found) {
        InstancesChanged change = registry.replaceDiscovered("etcd", found);
        change.added().forEach(worker -> LOG.infof("action=discovery outcome=added source=etcd worker_id=%s url=%s",
                worker.id(), worker.instance().url()));
        change.removed().forEach(worker -> LOG.infof(
                "action=discovery outcome=removed source=etcd worker_id=%s url=%s", worker.id(),
                worker.instance().url()));
    }

    private static String required(String value, String key, String example) {
        if (value.isBlank() || value.contains("/")) {
            throw new IllegalStateException("kvsession.discovery.etcd.endpoints is set but kvsession.discovery.etcd."
                    + key + " is " + (value.isBlank() ? "not" : "not a single path segment (" + value + ")")
                    + ": set the Dynamo " + key + " of the workers, e.g. " + example);
        }
        return value.strip();
    }

    @PreDestroy
    void stop() {
        if (watch != null) {
            watch.stop();
        }
    }
}
