package io.kvsession.sidecar.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Redis for a test application, which keeps its bindings there ({@code kvsession.affinity.store=redis}).
 * Tests receive the server in a {@link RedisServer} field to take it down and bring it back.
 */
public class RedisResource implements QuarkusTestResourceLifecycleManager {

    private RedisServer redis;

    @Override
    public Map<String, String> start() {
        redis = RedisServer.launch();
        return Map.of("kvsession.affinity.store", "redis",
                "quarkus.redis.hosts", redis.uri(),
                "kvsession.affinity.redis.timeout", "300ms",
                "kvsession.affinity.redis.replica-timeout", "2s");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(redis, new TestInjector.MatchesType(RedisServer.class));
    }

    @Override
    public void stop() {
        if (redis != null) {
            redis.close();
        }
    }
}
