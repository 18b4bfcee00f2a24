package io.kvsession.sidecar.control.dynamo;

import java.time.Duration;

/** How long discovery waits before asking etcd again: 200 ms after the first failure, doubling up to 5 s. */
final class Backoff {

    static final Duration FIRST = Duration.ofMillis(200);
    static final Duration MAX = Duration.ofSeconds(5);

    private Backoff() {
    }

    /** The pause after {@code failures} consecutive failures (at least 1). */
    static Duration after(int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 16);
        Duration delay = FIRST.multipliedBy(1L << doublings);
        return delay.compareTo(MAX) > 0 ? MAX : delay;
    }
}
