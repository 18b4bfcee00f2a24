package io.kvsession.sidecar.store;

import java.time.Clock;
import java.util.UUID;

import io.kvsession.sidecar.affinity.ExpiryListener;
import io.kvsession.sidecar.affinity.Limits;
import io.kvsession.sidecar.config.SidecarConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.redis.client.Redis;

/** Builds the Redis-backed stores over one client, with keys under {@code kvsession.affinity.redis.prefix}. */
public final class RedisStores {

    private final RedisCalls calls;
    private final RedisKeys keys;
    private final SidecarConfig.Redis config;
    /** This process among the replicas: it owns the open claims and closes it records. */
    private final String replica = UUID.randomUUID().toString();

    /** @param where the server as operators know it (no credentials), for messages */
    public RedisStores(Redis redis, SidecarConfig.Redis config, String where, MeterRegistry meters) {
        this.calls = new RedisCalls(redis, config.timeout(), where, meters);
        this.keys = RedisKeys.of(config.prefix());
        this.config = config;
    }

    public CloseLedger closes() {
        return new RedisCloseLedger(calls, keys, replica, config.replicaTimeout());
    }

    public RedisAffinityStore affinity(Clock clock, Limits limits, ExpiryListener listener) {
        return new RedisAffinityStore(calls, keys, new RedisOpenClaims(calls, keys, replica), clock, limits,
                listener);
    }
}
