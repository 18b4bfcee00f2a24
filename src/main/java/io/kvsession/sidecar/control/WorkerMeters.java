package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The metric series of one worker — {@code kvsession_worker_circuit{instance,state}} and
 * {@code kvsession_worker_rpc_seconds{instance,action,outcome}} — registered while the worker is known and removed
 * with it, so that discovery churn does not grow the scrape.
 */
final class WorkerMeters {

    /** Buckets of the RPC latency histograms: enough to see a slow worker, few enough to keep the scrape small. */
    private static final Duration[] LATENCY_BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    /** What an RPC was for. */
    enum Rpc {
        OPEN,
        CLOSE,
        HEALTH,
        SERVER_INFO
    }

    private record TimerKey(Rpc rpc, String outcome) {
    }

    private final String instanceId;
    private final MeterRegistry registry;
    private final List<Meter> registered = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private boolean retired;

    /** @param breaker held strongly by the worker: a gauge holds its object only weakly */
    WorkerMeters(String instanceId, MeterRegistry registry, WorkerBreaker breaker) {
        this.instanceId = instanceId;
        this.registry = registry;
        for (Circuit state : Circuit.values()) {
            registered.add(Gauge.builder("kvsession.worker.circuit", breaker, b -> b.circuit() == state ? 1 : 0)
                    .description("Circuit breaker state of each worker: 1 for the current one")
                    .tag("instance", instanceId)
                    .tag("state", state.wireName())
                    .register(registry));
        }
    }

    /** Records how long an RPC that reached for the worker took, by outcome; nothing once retired. */
    void record(Rpc rpc, String outcome, long nanos) {
        Timer timer = timers.get(new TimerKey(rpc, outcome));
        if (timer == null) {
            timer = register(new TimerKey(rpc, outcome));
        }
        if (timer != null) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Registers a series on first use; synchronized with {@link #retire()} so that none outlives the worker. */
    private synchronized Timer register(TimerKey key) {
        if (retired) {
            return null;
        }
        return timers.computeIfAbsent(key, absent -> {
            Timer timer = Timer.builder("kvsession.worker.rpc")
                    .description("Latency of worker RPCs by instance, action and outcome")
                    .tag("instance", instanceId)
                    .tag("action", key.rpc().name().toLowerCase(Locale.ROOT))
                    .tag("outcome", key.outcome())
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry);
            registered.add(timer);
            return timer;
        });
    }

    /** Removes every series of the worker. */
    synchronized void retire() {
        retired = true;
        registered.forEach(registry::remove);
        registered.clear();
        timers.clear();
    }
}
