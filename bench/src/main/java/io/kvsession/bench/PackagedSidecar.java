package io.kvsession.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged sidecar (native runner or {@code quarkus-run.jar}) as a process on loopback, with one worker
 * {@code w1} and lifecycle logs at WARN; {@code SIDECAR_OPTS} adds options to its command line (a heap size, a
 * profiler).
 */
final class PackagedSidecar implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final int port;

    private PackagedSidecar(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts it with these extra {@code -D} properties and waits until its API answers; a sidecar that exits or does
     * not answer within a minute throws {@link IllegalStateException} naming the end of its log.
     */
    static PackagedSidecar start(Path artifact, int workerPort, Map<String, String> properties, Path log)
            throws IOException, InterruptedException {
        int port = Loopback.freePort();
        List<String> options = new ArrayList<>(List.of("-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.management.port=" + Loopback.freePort(),
                "-Dquarkus.management.host=127.0.0.1", "-Dkvsession.workers.\"w1\".url=http://127.0.0.1:" + workerPort,
                "-Dquarkus.log.category.\"io.kvsession.sidecar.lifecycle\".level=WARN"));
        properties.forEach((key, value) -> options.add("-D" + key + "=" + value));
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
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the sidecar exited with " + process.exitValue() + " at start: "
                        + tail(log) + " (" + log + ")");
            }
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/workers")).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return new PackagedSidecar(process, port);
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the sidecar did not answer within " + START_TIMEOUT_SECONDS + " s; see "
                + log);
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(15, TimeUnit.SECONDS);
    }

    /** The last non-blank lines of the log, where a sidecar that refuses to start says why. */
    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log).stream().map(String::strip).filter(line -> !line.isEmpty())
                .toList();
        return String.join(" ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
