package io.kvsession.sidecar.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.AgentStoreContract;
import io.kvsession.sidecar.affinity.Limits;

/** The agent rules on the redis store, against a real Redis: holds, children and limits live in the store. */
class RedisAgentStoreTest extends AgentStoreContract {

    private static RedisFixture redis;

    @BeforeAll
    static void startRedis() {
        redis = new RedisFixture();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected AffinityStore store(Limits limits) {
        redis.flush();
        return redis.stores().affinity(clock, limits, expired::add);
    }
}
