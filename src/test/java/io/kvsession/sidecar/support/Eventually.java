package io.kvsession.sidecar.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition that becomes true through the sidecar's own timers, failing with a description. */
public final class Eventually {

    private Eventually() {
    }

    public static void await(Duration within, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what.get());
            }
            pause(Duration.ofMillis(20));
        }
    }

    /** A short pause between polls; an interrupt ends the test. */
    public static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while polling");
        }
    }
}
