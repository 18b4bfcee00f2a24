package io.kvsession.sidecar.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ClosePolicyTest {

    static final ClosePolicy POLICY = new ClosePolicy(Duration.ofMillis(100), Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(10), 100, 10, 100, Duration.ofMinutes(10));

    @Test
    void backoffDoublesFrom100MillisUpToTheCap() {
        List<Long> pauses = IntStream.rangeClosed(1, 9).mapToObj(POLICY::backoff).map(Duration::toMillis).toList();

        assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L), pauses);
        assertEquals(Duration.ofSeconds(5), POLICY.backoff(1_000), "no overflow after many attempts");
    }

    @Test
    void aCloseGivesUpOnceItsNextAttemptWouldComeAfterTheWorkerDroppedTheSession() {
        long started = 0;
        long giveUpAt = POLICY.giveUpAtNanos(started, Duration.ofSeconds(60));

        assertEquals(Duration.ofSeconds(90).toNanos(), giveUpAt, "TTL plus the worker-timeout buffer");
        assertFalse(POLICY.givesUp(Duration.ofSeconds(84).toNanos(), Duration.ofSeconds(5), giveUpAt));
        assertTrue(POLICY.givesUp(Duration.ofSeconds(85).toNanos(), Duration.ofSeconds(5), giveUpAt));
    }
}
