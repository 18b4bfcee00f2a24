package io.kvsession.sidecar.lifecycle;

import java.net.URI;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.store.RedisStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.redis.client.Redis;

/**
 * The Redis client, reached only when {@code kvsession.affinity.store=redis}: with the default memory store no
 * client is created and nothing connects to Redis.
 */
@ApplicationScoped
public class RedisHolder {

    private final Instance<Redis> client;
    private final SidecarConfig config;
    private final MeterRegistry meters;
    private final String hosts;
    private RedisStores stores;

    public RedisHolder(Instance<Redis> client, SidecarConfig config, MeterRegistry meters,
            @ConfigProperty(name = "quarkus.redis.hosts") Optional<String> hosts) {
        this.client = client;
        this.config = config;
        this.meters = meters;
        this.hosts = hosts.orElse("");
    }

    public synchronized RedisStores stores() {
        if (hosts.isBlank()) {
            throw new IllegalStateException("kvsession.affinity.store=redis needs quarkus.redis.hosts, e.g. "
                    + "redis://redis:6379 (rediss:// for TLS)");
        }
        if (stores == null) {
            stores = new RedisStores(client.get(), config.affinity().redis(), where(), meters);
        }
        return stores;
    }

    /** The servers without credentials, for logs and messages. */
    public String where() {
        StringBuilder shown = new StringBuilder();
        for (String host : hosts.split(",")) {
            URI uri = URI.create(host.strip());
            shown.append(shown.isEmpty() ? "" : ",").append(uri.getScheme()).append("://").append(uri.getHost())
                    .append(uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }
        return shown.toString();
    }
}
