package io.kvsession.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Keeps a fixed number of operations in flight, each starting when one ends, until {@code limit} operations have
 * started or {@code length} has passed: the throughput at that concurrency, and each operation's latency.
 */
final class ClosedLoop {

    private ClosedLoop() {
    }

    /** Runs {@code operation(n)} for n = 0, 1, 2… with {@code inFlight} at a time. */
    static Latencies run(Vertx vertx, int inFlight, long limit, Duration length, LongFunction<Future<?>> operation)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + length.toNanos();
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> users = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            CompletableFuture<Void> user = new CompletableFuture<>();
            users.add(user);
            vertx.runOnContext(ignored -> loop(new Run(operation, limit, deadline, next, errors, latencies), user));
        }
        CompletableFuture.allOf(users.toArray(CompletableFuture[]::new)).get(length.toSeconds() + 60,
                TimeUnit.SECONDS);
        return Latencies.of(latencies, errors.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    private record Run(LongFunction<Future<?>> operation, long limit, long deadline, AtomicLong next, AtomicLong errors,
            List<Long> latencies) {
    }

    private static void loop(Run run, CompletableFuture<Void> user) {
        long n = run.next().getAndIncrement();
        if (n >= run.limit() || System.nanoTime() >= run.deadline()) {
            user.complete(null);
            return;
        }
        long began = System.nanoTime();
        run.operation().apply(n).onComplete(outcome -> {
            run.latencies().add(System.nanoTime() - began);
            if (outcome.failed()) {
                run.errors().incrementAndGet();
            }
            loop(run, user);
        });
    }
}
