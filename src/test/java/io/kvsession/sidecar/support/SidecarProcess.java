package io.kvsession.sidecar.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged sidecar — the JVM jar, or the native executable when {@code sidecar.artifact} names one — run as a
 * separate process on a free loopback port, the way a pod runs it.
 */
public final class SidecarProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private SidecarProcess(Process process, int port, int managementPort, Path log) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** What a sidecar that refused to start left behind. */
    public record Refusal(int status, String log) {
    }

    /** Starts the sidecar with these {@code -D} properties and waits until it is ready. */
    public static SidecarProcess start(String name, Map<String, String> properties) throws Exception {
        SidecarProcess sidecar = launch(name, properties);
        sidecar.awaitReady(Duration.ofSeconds(30));
        return sidecar;
    }

    /** Starts the sidecar with these {@code -D} properties and waits for it to give up, as it should. */
    public static Refusal refused(String name, Map<String, String> properties) throws Exception {
        SidecarProcess sidecar = launch(name, properties);
        try {
            if (!sidecar.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("the sidecar did not exit within 30 s:\n" + sidecar.log());
            }
            return new Refusal(sidecar.process.exitValue(), sidecar.log());
        } finally {
            sidecar.close();
        }
    }

    private static SidecarProcess launch(String name, Map<String, String> properties) throws Exception {
        String artifact = System.getProperty("sidecar.artifact", "target/quarkus-app/quarkus-run.jar");
        int port = FreePort.find();
        int managementPort = FreePort.find();
        List<String> command = new ArrayList<>();
        if (artifact.endsWith(".jar")) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        List<String> options = new ArrayList<>(List.of("-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort, "-Dquarkus.management.host=127.0.0.1"));
        properties.forEach((key, value) -> options.add("-D" + key + "=" + value));
        if (artifact.endsWith(".jar")) {
            command.addAll(options);
            command.add("-jar");
            command.add(artifact);
        } else {
            command.add(artifact);
            command.addAll(options);
        }
        Path log = Path.of("target", name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new SidecarProcess(process, port, managementPort, log);
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET on the management interface: health and metrics. */
    public HttpResponse<String> management(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends SIGTERM, as the kubelet does, and waits for the exit status. */
    public int terminate(Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the sidecar did not exit within " + within.toMillis() + " ms of SIGTERM");
        }
        return process.exitValue();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as an OOM kill or a node loss would: nothing is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void awaitReady(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the sidecar exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (management("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the sidecar was not ready within " + within.toSeconds() + " s:\n" + log());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
