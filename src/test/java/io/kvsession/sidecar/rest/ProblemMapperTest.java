package io.kvsession.sidecar.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ProblemMapperTest {

    @Test
    void retryAfterIsTheDelayRoundedUpToWholeSeconds() {
        assertEquals("1", ProblemMapper.wholeSeconds(Duration.ZERO));
        assertEquals("1", ProblemMapper.wholeSeconds(Duration.ofMillis(500)));
        assertEquals("1", ProblemMapper.wholeSeconds(Duration.ofSeconds(1)));
        assertEquals("2", ProblemMapper.wholeSeconds(Duration.ofMillis(1001)));
        assertEquals("5", ProblemMapper.wholeSeconds(Duration.ofSeconds(5)));
    }
}
