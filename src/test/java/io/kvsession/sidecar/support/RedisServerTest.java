package io.kvsession.sidecar.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The test Redis itself: it answers, its data outlives a stop or a kill, and the embedded fallback runs too. */
class RedisServerTest {

    @Test
    void answersAndKeepsItsDataAcrossAStop() throws IOException {
        try (RedisServer redis = RedisServer.launch()) {
            assertEquals("redis://127.0.0.1:" + redis.port(), redis.uri());
            keepsItsDataAcrossARestart(redis, redis::stop);
        }
    }

    @Test
    void keepsAcknowledgedWritesAcrossAKill() throws IOException {
        try (RedisServer redis = RedisServer.launch()) {
            keepsItsDataAcrossARestart(redis, redis::kill);
        }
    }

    @Test
    void theBinaryOfTheEmbeddedRedisArtifactRunsAsWell() throws IOException {
        Path embedded = RedisServer.embeddedBinary();
        assertTrue(embedded.startsWith(Path.of("target", "provisioned").toAbsolutePath()), embedded.toString());
        try (RedisServer redis = RedisServer.launch(embedded)) {
            keepsItsDataAcrossARestart(redis, redis::stop);
        }
    }

    @Test
    void closeStopsTheServer() throws IOException {
        RedisServer redis = RedisServer.launch();
        assertEquals("PONG", redis.command("PING"));
        redis.close();
        assertThrows(ConnectException.class, () -> redis.command("PING"));
    }

    private static void keepsItsDataAcrossARestart(RedisServer redis, Runnable outage) throws IOException {
        assertEquals("PONG", redis.command("PING"));
        assertEquals("OK", redis.command("SET", "session:{kvs}:chat-42", "w1 ünïcode"));
        assertEquals("w1 ünïcode", redis.command("GET", "session:{kvs}:chat-42"));
        assertNull(redis.command("GET", "absent"));
        assertEquals(List.of("session:{kvs}:chat-42"), redis.command("KEYS", "*"));
        IllegalStateException wrongType = assertThrows(IllegalStateException.class,
                () -> redis.command("LPUSH", "session:{kvs}:chat-42", "x"));
        assertTrue(wrongType.getMessage().contains("WRONGTYPE"), wrongType.getMessage());

        outage.run();
        assertThrows(ConnectException.class, () -> redis.command("PING"), "down: connection refused");

        redis.start();
        assertEquals("w1 ünïcode", redis.command("GET", "session:{kvs}:chat-42"), "reloaded from the append-only file");
        assertEquals("yes", ((List<?>) redis.command("CONFIG", "GET", "appendonly")).get(1));
    }
}
