package io.kvsession.sidecar.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.config.SidecarConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.dns.DnsClient;

/**
 * Workers from DNS (SPEC §6): every {@code kvsession.discovery.dns.refresh} the A and AAAA records of
 * {@code kvsession.discovery.dns.name} (e.g. a Kubernetes headless Service) are resolved — asynchronously, never on
 * a blocked event loop — and each address becomes instance {@code ip:port}. A name that no longer exists empties the
 * set; a DNS server that does not answer either query changes nothing, so an outage of DNS (or of AAAA lookups
 * alone) does not drop workers.
 */
@ApplicationScoped
public class DnsDiscovery {

    private static final Logger LOG = Logger.getLogger(DnsDiscovery.class);

    private final WorkerRegistry registry;
    private final SidecarConfig.Dns config;
    private final Vertx vertx;
    private DnsClient client;
    private long timer = -1;

    public DnsDiscovery(WorkerRegistry registry, SidecarConfig config, Vertx vertx) {
        this.registry = registry;
        this.config = config.discovery().dns();
        this.vertx = vertx;
    }

    /** Started from the main thread, so that its timer belongs to no request's verticle. */
    void start(@Observes StartupEvent start) {
        if (config.name().isEmpty()) {
            return;
        }
        if (config.port().isEmpty()) {
            throw new IllegalStateException("kvsession.discovery.dns.name is set to " + config.name().get()
                    + " but kvsession.discovery.dns.port is not: set the port the workers listen on");
        }
        DnsClientOptions options = new DnsClientOptions().setQueryTimeout(config.queryTimeout().toMillis());
        config.server().ifPresent(server -> {
            int colon = server.lastIndexOf(':');
            options.setHost(colon < 0 ? server : server.substring(0, colon))
                    .setPort(colon < 0 ? 53 : Integer.parseInt(server.substring(colon + 1)));
        });
        client = config.server().isPresent() ? vertx.createDnsClient(options) : vertx.createDnsClient();
        LOG.infof("action=discovery outcome=started name=%s port=%d protocol=%s refresh_ms=%d", config.name().get(),
                config.port().getAsInt(), config.protocol().wireName(), config.refresh().toMillis());
        refresh();
        timer = vertx.setPeriodic(config.refresh().toMillis(), id -> refresh());
    }

    /** Resolves once and applies the result. */
    private void refresh() {
        String name = config.name().orElseThrow();
        Uni.combine().all().unis(lookup(client.resolveA(name)), lookup(client.resolveAAAA(name))).asTuple()
                .subscribe().with(records -> {
                    Optional<List<String>> v4 = records.getItem1();
                    Optional<List<String>> v6 = records.getItem2();
                    if (v4.isEmpty() || v6.isEmpty()) {
                        LOG.warnf("action=discovery outcome=dns_unanswered name=%s: keeping the %d known instances",
                                name, registry.all().size());
                        return;
                    }
                    List<Instance> found = new ArrayList<>();
                    v4.orElse(List.of()).forEach(address -> found.add(instance(address, false)));
                    v6.orElse(List.of()).forEach(address -> found.add(instance(address, true)));
                    InstancesChanged change = registry.replaceDiscovered("dns", found);
                    change.added().forEach(worker -> LOG.infof("action=discovery outcome=added worker_id=%s url=%s",
                            worker.id(), worker.instance().url()));
                    change.removed().forEach(worker -> LOG.infof("action=discovery outcome=removed worker_id=%s "
                            + "url=%s", worker.id(), worker.instance().url()));
                });
    }

    /** The addresses, an empty list when the name does not exist, or empty when DNS did not answer. */
    private static Uni<Optional<List<String>>> lookup(Uni<List<String>> query) {
        return query.map(Optional::of).onFailure().recoverWithItem(failure -> failure instanceof DnsException dns
                && dns.code() == DnsResponseCode.NXDOMAIN ? Optional.of(List.of()) : Optional.empty());
    }

    private Instance instance(String address, boolean v6) {
        int port = config.port().getAsInt();
        String host = v6 ? "[" + address + "]" : address;
        return Instance.of(host + ":" + port, "http://" + host + ":" + port, config.protocol());
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
