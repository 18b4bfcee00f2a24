package io.kvsession.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * What the affinity store costs: the same packaged sidecar runs twice side by side, once with the {@code memory} store
 * and once with {@code kvsession.affinity.store=redis} on a {@code redis-server} started here (append-only,
 * {@code appendfsync everysec}, as the deploy notes recommend), both in front of one fast fake SGLang worker. For each,
 * in turn: opens for a while, routes of the opened sessions for as long, then closes of all of them, each closed-loop
 * with a fixed number of calls in flight; one warm-up round of each, not counted, comes first. What the opened
 * bindings cost Redis — its {@code used_memory} grown by the open phase over the bindings added — is printed too.
 * <p>
 * {@code java -cp bench/target/benchmarks.jar io.kvsession.bench.StoreBench <sidecar: runner or quarkus-run.jar>
 * [seconds per phase] [calls in flight]}; needs {@code redis-server} on the PATH. A sidecar without the redis store
 * (it refuses to start, answers errors, or writes nothing to Redis) gets a row saying so instead of numbers.
 */
public final class StoreBench {

    private static final List<String> OPERATIONS = List.of("open", "route", "close");
    /** The open phase is bounded by time, so the table's bound is lifted out of its way. */
    private static final String UNBOUNDED = "kvsession.affinity.max-entries";

    private final Vertx vertx = Vertx.vertx();
    private final Loopback loopback = new Loopback(vertx);
    private final int inFlight;
    private final Duration length;

    private StoreBench(int inFlight, Duration length) {
        this.inFlight = inFlight;
        this.length = length;
    }

    /** A sidecar under test, or why there is none. */
    private record Candidate(String store, Optional<PackagedSidecar> sidecar, String absence) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: StoreBench <sidecar runner or quarkus-run.jar> [seconds per phase] "
                    + "[calls in flight]");
            System.exit(2);
        }
        Path artifact = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        new StoreBench(inFlight, Duration.ofSeconds(seconds)).run(artifact);
    }

    private void run(Path artifact) throws Exception {
        int workerPort = Loopback.freePort();
        HttpServer worker = FastWorker.start(vertx, workerPort);
        try (BenchRedis redis = BenchRedis.start()) {
            List<Candidate> candidates = new ArrayList<>();
            try {
                candidates.add(candidate("memory", artifact, workerPort, Map.of(UNBOUNDED, "4000000"), redis));
                candidates.add(candidate("redis", artifact, workerPort, Map.of(UNBOUNDED, "4000000",
                        "kvsession.affinity.store", "redis", "quarkus.redis.hosts", "redis://127.0.0.1:"
                                + redis.port()), redis));
                measure(candidates, redis);
            } finally {
                // before Redis stops, so that the redis sidecar's drain still reaches it
                for (Candidate candidate : candidates) {
                    if (candidate.sidecar().isPresent()) {
                        candidate.sidecar().get().close();
                    }
                }
            }
        } finally {
            worker.close();
            vertx.close();
        }
    }

    private void measure(List<Candidate> candidates, BenchRedis redis) throws Exception {
        System.out.printf("warming up (%.1f s per phase, %d calls in flight)%n",
                length.dividedBy(2).toMillis() / 1000.0, inFlight);
        for (Candidate candidate : candidates) {
            if (candidate.sidecar().isPresent()) {
                round(candidate, length.dividedBy(2), () -> {
                });
            }
        }
        Map<String, Map<String, Latencies>> results = new LinkedHashMap<>();
        long[] footprint = new long[2];
        for (Candidate candidate : candidates) {
            if (candidate.sidecar().isPresent()) {
                boolean shared = candidate.store().equals("redis");
                long[] before = shared ? redis.footprint() : null;
                results.put(candidate.store(), round(candidate, length, () -> {
                    if (shared) {
                        long[] after = redis.footprint();
                        footprint[0] = after[0] - before[0];
                        footprint[1] = after[1] - before[1];
                    }
                }));
            }
        }
        print(candidates, results);
        if (footprint[1] > 0) {
            Results.print("store.redis.bytes_per_binding", footprint[0] / (double) footprint[1]);
            System.out.printf("%nRedis used_memory grew by %d bytes for %d bindings: %d bytes per binding (ids of "
                    + "about %d characters, instance id \"w1\")%n", footprint[0], footprint[1],
                    footprint[0] / footprint[1], ("redis-" + System.nanoTime() + "-" + footprint[1]).length());
        }
    }

    /**
     * Starts a sidecar and proves it serves with the store asked for: one session opened and closed through it, and
     * for the redis store, keys written to Redis (a build without that store would ignore the setting).
     */
    private Candidate candidate(String store, Path artifact, int workerPort, Map<String, String> properties,
            BenchRedis redis) throws Exception {
        PackagedSidecar sidecar;
        try {
            sidecar = PackagedSidecar.start(artifact, workerPort, properties,
                    Path.of("target", "store-bench-" + store + ".log"));
        } catch (IllegalStateException refused) {
            return new Candidate(store, Optional.empty(), refused.getMessage());
        }
        String probe = store + "-probe";
        String problem = outcome(loopback.post(sidecar.port(), "/v1/sessions/" + probe + "/open",
                "{\"instance_id\":\"w1\",\"timeout_secs\":60}"));
        if (problem == null && store.equals("redis") && redis.answer("DBSIZE").equals(":0")) {
            problem = "the sidecar answered but wrote nothing to Redis: this build has no redis store";
        }
        if (problem == null) {
            problem = outcome(loopback.post(sidecar.port(), "/v1/sessions/" + probe + "/close", "{}"));
        }
        if (problem != null) {
            sidecar.close();
            return new Candidate(store, Optional.empty(), problem);
        }
        return new Candidate(store, Optional.of(sidecar), null);
    }

    /**
     * Opens for {@code phase}, routes the opened sessions for {@code phase}, then closes them all; {@code opened} runs
     * between the opens and the routes.
     */
    private Map<String, Latencies> round(Candidate candidate, Duration phase, Runnable opened) throws Exception {
        int port = candidate.sidecar().orElseThrow().port();
        String prefix = candidate.store() + "-" + System.nanoTime() + "-";
        Map<String, Latencies> round = new LinkedHashMap<>();
        Latencies opens = ClosedLoop.run(vertx, inFlight, Long.MAX_VALUE, phase, n -> loopback.post(port,
                "/v1/sessions/" + prefix + n + "/open", "{\"instance_id\":\"w1\",\"timeout_secs\":600}"));
        round.put("open", opens);
        opened.run();
        long count = Math.max(1, opens.sortedNanos().length);
        round.put("route", ClosedLoop.run(vertx, inFlight, Long.MAX_VALUE, phase, n -> loopback.post(port,
                "/v1/route", "{\"instance_id\":\"w1\",\"session_control\":{\"session_id\":\"" + prefix + n % count
                        + "\"}}")));
        round.put("close", ClosedLoop.run(vertx, inFlight, count, phase.multipliedBy(10), n -> loopback.post(port,
                "/v1/sessions/" + prefix + n + "/close", "{}")));
        return round;
    }

    private void print(List<Candidate> candidates, Map<String, Map<String, Latencies>> results) {
        System.out.printf("%n%d calls in flight, %d s per phase, one fast fake worker, Redis with appendfsync everysec"
                + "%n%n", inFlight, length.toSeconds());
        System.out.printf("%-7s %-9s %9s %9s %10s %7s%n", "store", "operation", "p50 ms", "p99 ms", "ops/s", "errors");
        for (Candidate candidate : candidates) {
            Map<String, Latencies> measured = results.get(candidate.store());
            if (measured == null) {
                System.out.printf("%-7s %-9s %s%n", candidate.store(), "-", "absent: " + candidate.absence());
                continue;
            }
            for (String operation : OPERATIONS) {
                Latencies latencies = measured.get(operation);
                System.out.printf("%-7s %-9s %9.3f %9.3f %10.0f %7d%n", candidate.store(), operation,
                        latencies.p(50), latencies.p(99), latencies.throughput(), latencies.errors());
                Results.print("store." + candidate.store() + "." + operation + ".p50_ms", latencies.p(50));
                Results.print("store." + candidate.store() + "." + operation + ".ops_per_s", latencies.throughput());
            }
        }
        Map<String, Latencies> memory = results.get("memory");
        Map<String, Latencies> redis = results.get("redis");
        if (memory != null && redis != null) {
            System.out.println();
            for (String operation : OPERATIONS) {
                System.out.printf("%s p50 added by the redis store: %+.3f ms (p99 %+.3f ms)%n", operation,
                        redis.get(operation).p(50) - memory.get(operation).p(50),
                        redis.get(operation).p(99) - memory.get(operation).p(99));
            }
        }
    }

    /** Null when the call succeeded, else what went wrong. */
    private static String outcome(Future<Void> call) throws InterruptedException {
        try {
            call.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException | TimeoutException failed) {
            return "a probe open or close failed: " + (failed.getCause() == null ? failed : failed.getCause())
                    .getMessage();
        }
    }
}
