package io.kvsession.bench;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.affinity.Limits;

/**
 * The affinity table at 10k, 100k and 1M live bindings: a lookup, a rebind (the TTL-renewing write routers do on
 * every turn), and a bind that expires and is swept — whose cost must not grow with the table.
 * {@code java -jar bench/target/benchmarks.jar AffinityTableBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = { "-Xms2g", "-Xmx2g" })
public class AffinityTableBench {

    private static final Duration LONG = Duration.ofHours(1);
    private static final Duration SHORT = Duration.ofMillis(1);
    private static final String[] INSTANCES = { "10.0.3.1:30000", "10.0.3.2:30000", "10.0.3.3:30000",
            "10.0.3.4:30000" };

    @Param({ "10000", "100000", "1000000" })
    int bindings;

    private ManualClock clock;
    private AffinityTable table;
    private String[] ids;
    private long expiring;

    @Setup(Level.Trial)
    public void fill() {
        clock = new ManualClock();
        table = new AffinityTable(clock, Limits.entries(bindings + 1_000), binding -> {
        });
        ids = new String[bindings];
        for (int i = 0; i < bindings; i++) {
            ids[i] = String.format("session-%08d", i);
            table.bind(ids[i], INSTANCES[i % INSTANCES.length], BindingKind.ENGINE_BACKED, LONG, null);
        }
    }

    @Benchmark
    public Object lookup() {
        return table.peek(ids[ThreadLocalRandom.current().nextInt(bindings)]);
    }

    @Benchmark
    public Object touch() {
        return table.touch(ids[ThreadLocalRandom.current().nextInt(bindings)]);
    }

    @Benchmark
    public Object rebind() {
        int i = ThreadLocalRandom.current().nextInt(bindings);
        return table.bind(ids[i], INSTANCES[i % INSTANCES.length], BindingKind.ENGINE_BACKED, LONG, null);
    }

    /** One short binding added, its TTL passed, and the sweep that removes it, among {@code bindings} live ones. */
    @Benchmark
    public int bindAndExpire() {
        table.bind("expiring-" + expiring++, INSTANCES[0], BindingKind.ROUTER_ONLY, SHORT, null);
        clock.advanceMillis(1);
        return table.reap();
    }
}
