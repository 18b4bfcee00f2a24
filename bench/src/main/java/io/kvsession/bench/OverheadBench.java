package io.kvsession.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;

/**
 * What the sidecar adds to a session's life: open+close pairs sent through the sidecar, against the same two RPCs sent
 * straight to a fast fake SGLang worker on loopback. Open-loop at fixed rates (latency counted from each pair's
 * scheduled start, so queueing shows), then closed-loop at saturation.
 * <p>
 * {@code java -cp bench/target/benchmarks.jar io.kvsession.bench.OverheadBench <sidecar: runner or quarkus-run.jar>
 * [seconds per rate] [rates…]}; {@code SIDECAR_OPTS} adds options to the sidecar's command line (a heap size, a profiler).
 */
public final class OverheadBench {

    private static final int SATURATION_CONCURRENCY = 64;

    private final Vertx vertx = Vertx.vertx();
    private final io.vertx.core.http.HttpClient client = vertx.createHttpClient(new HttpClientOptions()
            .setMaxPoolSize(512).setKeepAlive(true).setPipelining(false));
    private final AtomicLong sessions = new AtomicLong();

    private OverheadBench() {
    }

    /** One way of doing an open+close pair. */
    private interface Pair {
        Future<Void> run(String sessionId);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: OverheadBench <sidecar runner or quarkus-run.jar> [seconds per rate] [rates…]");
            System.exit(2);
        }
        Path sidecar = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int[] rates = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] { 500, 1000, 2000 };
        new OverheadBench().run(sidecar, Duration.ofSeconds(seconds), rates);
    }

    private void run(Path artifact, Duration length, int[] rates) throws Exception {
        int workerPort = freePort();
        HttpServer worker = startFastWorker(workerPort);
        int sidecarPort = freePort();
        Process sidecar = startSidecar(artifact, sidecarPort, workerPort);
        try {
            Pair direct = id -> post(workerPort, "/open_session", "{\"session_id\":\"" + id + "\",\"capacity_of_str_len\""
                    + ":65536,\"timeout\":90,\"streaming\":true}")
                    .compose(ok -> post(workerPort, "/close_session", "{\"session_id\":\"" + id + "\"}"));
            Pair through = id -> post(sidecarPort, "/v1/sessions/" + id + "/open",
                    "{\"instance_id\":\"w1\",\"timeout_secs\":60}")
                    .compose(ok -> post(sidecarPort, "/v1/sessions/" + id + "/close", "{}"));

            System.out.printf("warming up (%d s each)%n", length.toSeconds());
            openLoop(direct, 1000, length);
            openLoop(through, 1000, length);
            System.out.printf("%n%-6s %-10s %10s %10s %10s %8s%n", "rate", "path", "p50 ms", "p99 ms", "max ms",
                    "errors");
            for (int rate : rates) {
                Result base = openLoop(direct, rate, length);
                Result side = openLoop(through, rate, length);
                print(rate, "direct", base);
                print(rate, "sidecar", side);
                System.out.printf("%-6d %-10s %10.3f %10.3f%n", rate, "added", side.p(50) - base.p(50),
                        side.p(99) - base.p(99));
            }
            System.out.printf("%nsaturation, %d pairs in flight: direct %.0f pairs/s, through the sidecar %.0f pairs/s%n",
                    SATURATION_CONCURRENCY, closedLoop(direct, length), closedLoop(through, length));
        } finally {
            sidecar.destroy();
            sidecar.waitFor(15, TimeUnit.SECONDS);
            worker.close();
            vertx.close();
        }
    }

    /** Latencies and failures of one run. */
    private record Result(long[] nanos, long errors) {
        double p(double percentile) {
            if (nanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(nanos.length - 1, Math.ceil(percentile / 100.0 * nanos.length) - 1);
            return nanos[Math.max(index, 0)] / 1e6;
        }
    }

    private Result openLoop(Pair pair, int rate, Duration length) throws Exception {
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
        done.get(length.toSeconds() + 60, TimeUnit.SECONDS);
        vertx.cancelTimer(timer);
        long[] sorted;
        synchronized (latencies) {
            sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        return new Result(sorted, errors.get());
    }

    private double closedLoop(Pair pair, Duration length) throws Exception {
        long deadline = System.nanoTime() + length.toNanos();
        AtomicLong completed = new AtomicLong();
        List<CompletableFuture<Void>> users = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < SATURATION_CONCURRENCY; i++) {
            CompletableFuture<Void> user = new CompletableFuture<>();
            users.add(user);
            vertx.runOnContext(ignored -> loop(pair, deadline, completed, user));
        }
        CompletableFuture.allOf(users.toArray(CompletableFuture[]::new)).get(length.toSeconds() + 60,
                TimeUnit.SECONDS);
        return completed.get() / ((System.nanoTime() - start) / 1e9);
    }

    private void loop(Pair pair, long deadline, AtomicLong completed, CompletableFuture<Void> user) {
        if (System.nanoTime() >= deadline) {
            user.complete(null);
            return;
        }
        pair.run(nextSession()).onComplete(outcome -> {
            completed.incrementAndGet();
            loop(pair, deadline, completed, user);
        });
    }

    private Future<Void> post(int port, String path, String json) {
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).putHeader("content-type", "application/json"))
                .compose(request -> request.send(Buffer.buffer(json)))
                .compose(response -> response.body().compose(body -> response.statusCode() < 300
                        ? Future.<Void> succeededFuture()
                        : Future.failedFuture("HTTP " + response.statusCode() + " " + body)));
    }

    private String nextSession() {
        return "bench-" + sessions.incrementAndGet();
    }

    private static void print(int rate, String path, Result result) {
        System.out.printf("%-6d %-10s %10.3f %10.3f %10.3f %8d%n", rate, path, result.p(50), result.p(99),
                result.p(100), result.errors());
    }

    /** An SGLang worker that answers at once: the baseline, and the worker behind the sidecar. */
    private HttpServer startFastWorker(int port) throws Exception {
        Promise<HttpServer> listening = Promise.promise();
        vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
            switch (request.path()) {
                case "/open_session" -> request.response().putHeader("content-type", "application/json")
                        .end("\"ok\"");
                case "/close_session", "/health" -> request.response().end();
                default -> request.response().setStatusCode(404).end();
            }
        })).listen(port, "127.0.0.1").onComplete(listening);
        return listening.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Process startSidecar(Path artifact, int port, int workerPort) throws Exception {
        List<String> options = List.of("-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.port=" + freePort(), "-Dquarkus.management.host=127.0.0.1",
                "-Dkvsession.workers.\"w1\".url=http://127.0.0.1:" + workerPort,
                "-Dquarkus.log.category.\"io.kvsession.sidecar.lifecycle\".level=WARN");
        List<String> command = new ArrayList<>();
        String extra = System.getenv().getOrDefault("SIDECAR_OPTS", "").trim();
        List<String> extraOptions = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
        if (artifact.toString().endsWith(".jar")) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(extraOptions);
            command.addAll(options);
            command.add("-jar");
            command.add(artifact.toString());
        } else {
            command.add(artifact.toString());
            command.addAll(extraOptions);
            command.addAll(options);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "overhead-sidecar.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/workers")).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the sidecar did not start; see target/overhead-sidecar.log");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
