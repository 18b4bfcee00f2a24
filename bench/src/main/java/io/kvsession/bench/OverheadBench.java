package io.kvsession.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * What the sidecar adds to a session's life: open+close pairs sent through the sidecar — over REST, and over gRPC on
 * one multiplexed connection — against the same two RPCs sent straight to a fast fake SGLang worker on loopback.
 * Open-loop at fixed rates (latency counted from each pair's scheduled start, so queueing shows), then closed-loop at
 * saturation.
 * <p>
 * {@code java -cp bench/target/benchmarks.jar io.kvsession.bench.OverheadBench <sidecar: runner or quarkus-run.jar>
 * [seconds per rate] [rates…]}; {@code SIDECAR_OPTS} adds options to the sidecar's command line (a heap size, a
 * profiler).
 */
public final class OverheadBench {

    private static final int SATURATION_CONCURRENCY = 64;

    private final Vertx vertx = Vertx.vertx();
    private final Loopback loopback = new Loopback(vertx);
    private final GrpcLoopback grpcLoopback = new GrpcLoopback(vertx);
    private final AtomicLong sessions = new AtomicLong();

    private OverheadBench() {
    }

    /** One way of doing an open+close pair. */
    private interface Pair {
        Future<Void> run(String sessionId);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: OverheadBench <sidecar runner or quarkus-run.jar> [seconds per rate] "
                    + "[rates…]");
            System.exit(2);
        }
        Path sidecar = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int[] rates = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] { 500, 1000, 2000 };
        new OverheadBench().run(sidecar, Duration.ofSeconds(seconds), rates);
    }

    private void run(Path artifact, Duration length, int[] rates) throws Exception {
        int workerPort = Loopback.freePort();
        HttpServer worker = FastWorker.start(vertx, workerPort);
        try (PackagedSidecar sidecar = PackagedSidecar.start(artifact, workerPort, Map.of(),
                Path.of("target", "overhead-sidecar.log"))) {
            int sidecarPort = sidecar.port();
            Pair direct = id -> loopback.post(workerPort, "/open_session", "{\"session_id\":\"" + id
                    + "\",\"capacity_of_str_len\":65536,\"timeout\":90,\"streaming\":true}")
                    .compose(ok -> loopback.post(workerPort, "/close_session", "{\"session_id\":\"" + id + "\"}"));
            Pair through = id -> loopback.post(sidecarPort, "/v1/sessions/" + id + "/open",
                    "{\"instance_id\":\"w1\",\"timeout_secs\":60}")
                    .compose(ok -> loopback.post(sidecarPort, "/v1/sessions/" + id + "/close", "{}"));

            Pair grpc = id -> grpcLoopback.open(sidecarPort, id, "w1", 60)
                    .compose(ok -> grpcLoopback.close(sidecarPort, id));
            Map<String, Pair> paths = new LinkedHashMap<>();
            paths.put("direct", direct);
            paths.put("rest", through);
            paths.put("grpc", grpc);

            System.out.printf("warming up (%d s each)%n", length.toSeconds());
            for (Pair pair : paths.values()) {
                openLoop(pair, 1000, length);
            }
            System.out.printf("%n%-6s %-14s %10s %10s %10s %8s%n", "rate", "path", "p50 ms", "p99 ms", "max ms",
                    "errors");
            for (int rate : rates) {
                Map<String, Latencies> measured = new LinkedHashMap<>();
                paths.forEach((name, pair) -> measured.put(name, openLoop(pair, rate, length)));
                measured.forEach((name, result) -> print(rate, name, result));
                Latencies base = measured.get("direct");
                for (String path : List.of("rest", "grpc")) {
                    Latencies side = measured.get(path);
                    System.out.printf("%-6d %-14s %10.3f %10.3f%n", rate, "added " + path, side.p(50) - base.p(50),
                            side.p(99) - base.p(99));
                    Results.print("overhead." + path + "." + rate + ".added_p50_ms", side.p(50) - base.p(50));
                    Results.print("overhead." + path + "." + rate + ".added_p99_ms", side.p(99) - base.p(99));
                }
            }
            System.out.printf("%nsaturation, %d pairs in flight (pairs/s):%n", SATURATION_CONCURRENCY);
            for (Map.Entry<String, Pair> path : paths.entrySet()) {
                double throughput = saturation(path.getValue(), length);
                System.out.printf("%-14s %10.0f%n", path.getKey(), throughput);
                Results.print("overhead." + path.getKey() + ".saturation_pairs_per_s", throughput);
            }
        } finally {
            worker.close();
            vertx.close();
        }
    }

    private Latencies openLoop(Pair pair, int rate, Duration length) {
        List<Long> latencies = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        long total = rate * length.toSeconds();
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rate;
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong started = new AtomicLong();
        AtomicLong finished = new AtomicLong();
        long timer = vertx.setPeriodic(1, id -> {
            long due = Math.min(total, (System.nanoTime() - start) / intervalNanos + 1);
            while (started.get() < due) {
                long scheduled = start + started.getAndIncrement() * intervalNanos;
                pair.run(nextSession()).onComplete(outcome -> {
                    long latency = System.nanoTime() - scheduled;
                    synchronized (latencies) {
                        latencies.add(latency);
                    }
                    if (outcome.failed()) {
                        errors.incrementAndGet();
                    }
                    if (finished.incrementAndGet() == total) {
                        done.complete(null);
                    }
                });
            }
        });
        done.orTimeout(length.toSeconds() + 60, TimeUnit.SECONDS).join();
        vertx.cancelTimer(timer);
        synchronized (latencies) {
            return Latencies.of(latencies, errors.get(), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private double saturation(Pair pair, Duration length) throws Exception {
        return ClosedLoop.run(vertx, SATURATION_CONCURRENCY, Long.MAX_VALUE, length, n -> pair.run(nextSession()))
                .throughput();
    }

    private String nextSession() {
        return "bench-" + sessions.incrementAndGet();
    }

    private static void print(int rate, String path, Latencies result) {
        System.out.printf("%-6d %-14s %10.3f %10.3f %10.3f %8d%n", rate, path, result.p(50), result.p(99),
                result.p(100), result.errors());
    }
}
