package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

import io.kvsession.sidecar.Timers;

/** Timers whose clock moves only when the test says so; due tasks run, in order, inside {@link #advance}. */
final class ManualTimers implements Timers {

    private record Task(long dueNanos, long sequence, Runnable body, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::sequence));
    private long now = 1_000_000_000L;
    private long sequence;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable after(Duration delay, Runnable task) {
        boolean[] cancelled = new boolean[1];
        tasks.add(new Task(now + delay.toNanos(), sequence++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public void every(Duration period, Runnable task) {
        after(period, () -> {
            task.run();
            every(period, task);
        });
    }

    /** Moves the clock forward, running every task that comes due on the way at its own time. */
    void advance(Duration by) {
        long target;
        synchronized (this) {
            target = now + by.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.dueNanos() > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.dueNanos());
            }
            if (!next.cancelled()[0]) {
                next.body().run();
            }
        }
    }

    /** Tasks waiting and not cancelled. */
    synchronized long waiting() {
        return tasks.stream().filter(task -> !task.cancelled()[0]).count();
    }
}
