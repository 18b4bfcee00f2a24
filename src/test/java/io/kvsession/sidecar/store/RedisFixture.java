package io.kvsession.sidecar.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.support.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

/** A real Redis and the stores over it, for tests of the store without the application: 1 s calls, prefix "test". */
final class RedisFixture implements AutoCloseable {

    private final RedisServer server = RedisServer.launch();
    private final Vertx vertx = Vertx.vertx();

    RedisServer server() {
        return server;
    }

    /** Stores as one replica has them: a client of their own, and an id of their own. */
    RedisStores stores() {
        Redis client = Redis.createClient(vertx, server.uri());
        SidecarConfig.Redis config = new SidecarConfig.Redis() {
            @Override
            public String prefix() {
                return "test";
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration replicaTimeout() {
                return Duration.ofSeconds(2);
            }
        };
        return new RedisStores(client, config, server.uri(), new SimpleMeterRegistry());
    }

    void flush() {
        try {
            server.command("FLUSHALL");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        vertx.closeAndAwait();
        server.close();
    }
}
