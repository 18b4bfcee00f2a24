package io.kvsession.sidecar.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kvsession.sidecar.support.FakeWorkers;

/**
 * The comparison that ends the shared-store soak, repeated until it holds: the sessions the workers hold, the
 * engine-backed bindings replica a lists and those replica b lists, each as {@code session@instance}, must be one
 * set. Expiries keep changing all three while it runs — a binding that has just expired is no longer listed while
 * its close is still on the way — so a difference seen in every comparison of the last 5 s cannot be one of those;
 * the report names those apart, with the RPCs the workers received for them.
 */
final class SoakAgreement {

    private static final Duration LASTING = Duration.ofSeconds(5);

    private final FakeWorkers workers;
    private final SoakReplicas replicas;
    private final Map<String, Set<String>> last = new TreeMap<>();
    /** When each difference of the last comparison was first seen, in an unbroken run of comparisons. */
    private final Map<String, Long> since = new HashMap<>();
    private volatile int held;

    SoakAgreement(FakeWorkers workers, SoakReplicas replicas) {
        this.workers = workers;
        this.replicas = replicas;
    }

    /** Compares once; true when the three sets are one. */
    boolean holds() {
        Set<String> onWorkers = SoakView.onWorkers(workers);
        Set<String> throughA = SoakView.engineBacked(SoakView.bindings(replicas.replica("a")));
        Set<String> throughB = SoakView.engineBacked(SoakView.bindings(replicas.replica("b")));
        held = onWorkers.size();
        last.put("held by a worker but not bound", minus(onWorkers, throughA));
        last.put("bound but not held by the worker", minus(throughA, onWorkers));
        last.put("listed by a, not by b", minus(throughA, throughB));
        last.put("listed by b, not by a", minus(throughB, throughA));
        Set<String> now = new TreeSet<>();
        last.forEach((what, sessions) -> sessions.forEach(session -> now.add(session + " " + what)));
        since.keySet().retainAll(now);
        long at = System.nanoTime();
        now.forEach(difference -> since.putIfAbsent(difference, at));
        return now.isEmpty();
    }

    /** How many sessions the workers held at the last comparison. */
    int held() {
        return held;
    }

    /** The differences that lasted, those of the last comparison, and the worker RPCs naming their sessions. */
    String report() {
        long now = System.nanoTime();
        Set<String> lasting = new TreeSet<>();
        since.forEach((difference, first) -> {
            if (now - first >= LASTING.toNanos()) {
                lasting.add(difference);
            }
        });
        Map<String, Object> rpcs = new TreeMap<>();
        last.values().forEach(sessions -> sessions.forEach(session -> rpcs.put(session,
                workers.rpcsNaming(session.substring(0, session.indexOf('@'))))));
        return "lasting " + LASTING.toSeconds() + " s or more: " + lasting + "; at the last comparison: " + last
                + "; worker RPCs naming them, in the order each worker received them: " + rpcs;
    }

    private static Set<String> minus(Set<String> from, Set<String> taken) {
        Set<String> rest = new TreeSet<>(from);
        rest.removeAll(taken);
        return rest;
    }
}
