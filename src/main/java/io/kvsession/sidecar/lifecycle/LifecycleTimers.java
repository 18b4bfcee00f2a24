package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.Timers;

/**
 * The timers of the lifecycle: close backoff, deferred-close guards, the reaper. They run on one thread of their own
 * rather than on Vert.x timers, which belong to the request's verticle and are cancelled with the HTTP server at
 * shutdown — exactly when pending closes must keep retrying. Tasks only start asynchronous work, so one thread is
 * enough; cancelled tasks leave the queue at once.
 */
@ApplicationScoped
public class LifecycleTimers implements Timers {

    private static final Logger LOG = Logger.getLogger(LifecycleTimers.class);

    private final ScheduledThreadPoolExecutor executor;

    public LifecycleTimers() {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "kvsession-timers");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable after(Duration delay, Runnable task) {
        var scheduled = executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> scheduled.cancel(false);
    }

    @Override
    public void every(Duration period, Runnable task) {
        executor.scheduleAtFixedRate(guarded(task), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A failing task is logged; it must not end a periodic one or kill the thread. */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException failure) {
                LOG.error("a lifecycle timer task failed", failure);
            }
        };
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
