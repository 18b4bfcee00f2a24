package io.kvsession.bench;

import java.time.Duration;

import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.affinity.Limits;

/**
 * Heap bytes per binding at 10k, 100k and 1M bindings: the heap after a full GC with the table filled, minus the
 * heap before, divided by the count. Session ids are 16-character strings ({@code session-00000042}), which the
 * table keeps; they are counted, and also reported apart.
 * {@code java -Xmx2g -cp bench/target/benchmarks.jar io.kvsession.bench.BindingFootprint}
 */
public final class BindingFootprint {

    private static final String[] INSTANCES = { "10.0.3.1:30000", "10.0.3.2:30000", "10.0.3.3:30000",
            "10.0.3.4:30000" };

    private BindingFootprint() {
    }

    public static void main(String[] args) {
        System.out.printf("%-10s %18s %22s%n", "bindings", "bytes per binding", "of which the id string");
        for (int count : new int[] { 10_000, 100_000, 1_000_000 }) {
            long before = usedAfterGc();
            String[] ids = new String[count];
            for (int i = 0; i < count; i++) {
                ids[i] = String.format("session-%08d", i);
            }
            long withIds = usedAfterGc();
            AffinityTable table = new AffinityTable(new ManualClock(), Limits.entries(count), binding -> {
            });
            for (int i = 0; i < count; i++) {
                table.bind(ids[i], INSTANCES[i % INSTANCES.length], BindingKind.ENGINE_BACKED, Duration.ofHours(1),
                        null);
            }
            ids = null;
            long after = usedAfterGc();
            System.out.printf("%-10d %18.1f %22.1f%n", table.size(), (after - before) / (double) count,
                    (withIds - before) / (double) count);
        }
    }

    private static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
