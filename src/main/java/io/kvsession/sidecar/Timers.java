package io.kvsession.sidecar;

import java.time.Duration;

/**
 * Time as the sidecar's background work sees it: a monotonic clock and one-shot timers. A seam, so that what waits or
 * retries is tested with a clock that moves only when the test says so.
 */
public interface Timers {

    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Runs {@code task} once after {@code delay}, unless cancelled first. */
    Cancellable after(Duration delay, Runnable task);

    /** Runs {@code task} every {@code period}, the first time one period from now. */
    void every(Duration period, Runnable task);

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
