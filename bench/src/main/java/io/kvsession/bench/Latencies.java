package io.kvsession.bench;

import java.time.Duration;
import java.util.Collection;

/** The latencies of one run, sorted, with how many of its operations failed and how long it took. */
record Latencies(long[] sortedNanos, long errors, Duration elapsed) {

    static Latencies of(Collection<Long> nanos, long errors, Duration elapsed) {
        return new Latencies(nanos.stream().mapToLong(Long::longValue).sorted().toArray(), errors, elapsed);
    }

    /** The given percentile in milliseconds; NaN when nothing ran. */
    double p(double percentile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(percentile / 100.0 * sortedNanos.length) - 1);
        return sortedNanos[Math.max(index, 0)] / 1e6;
    }

    /** Operations completed per second, failed ones included. */
    double throughput() {
        return sortedNanos.length / (elapsed.toNanos() / 1e9);
    }
}
