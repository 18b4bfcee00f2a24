package io.kvsession.sidecar.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import io.vertx.redis.client.impl.types.ErrorType;

/** Which Redis failures mean "the store is unavailable" (503, nothing changed) and which a refusal (SPEC §8). */
class RedisCallsTest {

    @Test
    void aLostConnectionAndAServerThatCannotServeAreUnavailable() {
        assertTrue(RedisCalls.unavailable(ErrorType.create("CONNECTION_CLOSED")), "the client's reply for a lost link");
        assertTrue(RedisCalls.unavailable(ErrorType.create("LOADING Redis is loading the dataset in memory")));
        assertTrue(RedisCalls.unavailable(ErrorType.create("READONLY You can't write against a read only replica.")));
        assertTrue(RedisCalls.unavailable(new ConnectException("Connection refused")));
    }

    @Test
    void aRefusedCommandIsNot() {
        assertFalse(RedisCalls.unavailable(ErrorType.create("ERR wrong number of arguments for 'evalsha' command")));
        assertFalse(RedisCalls.unavailable(ErrorType.create("WRONGTYPE Operation against a key holding the wrong kind "
                + "of value")));
    }
}
