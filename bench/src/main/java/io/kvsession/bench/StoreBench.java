package io.kvsession.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

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
        try (RedisServer redis = RedisServer.start()) {
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

    private void measure(List<Candidate> candidates, RedisServer redis) throws Exception {
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
            RedisServer redis) throws Exception {
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

    /** A redis-server on a free loopback port with a directory of its own, deleted on close. */
    private record RedisServer(Process process, Path directory, int port) implements AutoCloseable {

        static RedisServer start() throws Exception {
            int port = Loopback.freePort();
            Path directory = Files.createTempDirectory("store-bench-redis");
            Process process;
            try {
                process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--protected-mode", "no", "--daemonize", "no", "--dir", directory.toString(), "--save", "",
                        "--appendonly", "yes", "--appendfsync", "everysec", "--logfile",
                        directory.resolve("redis.log").toString())
                        .redirectErrorStream(true).redirectOutput(directory.resolve("redis.out").toFile()).start();
            } catch (IOException missing) {
                throw new IllegalStateException("redis-server is not on the PATH; install it with: apt-get install -y "
                        + "redis-server", missing);
            }
            RedisServer redis = new RedisServer(process, directory, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && process.isAlive()) {
                try {
                    if (redis.answer("PING").equals("+PONG")) {
                        return redis;
                    }
                } catch (IOException notListeningYet) {
                    // keep polling
                }
                Thread.sleep(20);
            }
            process.destroyForcibly();
            throw new IllegalStateException("redis-server did not answer PING on port " + port + "; see "
                    + directory.resolve("redis.log"));
        }

        /** Redis's {@code used_memory} and the bindings it holds (the sidecar's default key prefix). */
        long[] footprint() {
            try {
                String used = answerLines("INFO memory").stream().filter(line -> line.startsWith("used_memory:"))
                        .findFirst().orElseThrow().substring("used_memory:".length()).trim();
                return new long[] {Long.parseLong(used), Long.parseLong(answer("HLEN {kvsession}:b").substring(1))};
            } catch (IOException e) {
                throw new IllegalStateException("redis-server did not answer INFO or HLEN", e);
            }
        }

        /** The lines of a bulk answer ({@code $<length>} then its text). */
        List<String> answerLines(String command) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                String header = in.readLine();
                if (header == null || !header.startsWith("$")) {
                    throw new IOException("not a bulk answer: " + header);
                }
                char[] body = new char[Integer.parseInt(header.substring(1))];
                int read = 0;
                while (read < body.length) {
                    int n = in.read(body, read, body.length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                return List.of(new String(body, 0, read).split("\r\n"));
            }
        }

        /** The first line of the answer to an inline command ({@code +PONG}, {@code :42}). */
        String answer(String command) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String line = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    throw new IOException("redis-server closed the connection");
                }
                return line;
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(15, TimeUnit.SECONDS);
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }
}
