package io.kvsession.sidecar.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd (Debian's {@code etcd-server}, provisioned by {@link DebianBinary} where missing) on 127.0.0.1, with a
 * data directory of its own. {@link #stop()} and {@link #start()} take it down and bring it back on the same ports
 * with its data, as an etcd outage would.
 */
public final class EtcdServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;

    private EtcdServer(Path binary, Path dataDir, int clientPort, int peerPort) {
        this.binary = binary;
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    /** A new, empty etcd, started and healthy. */
    public static EtcdServer launch() {
        try {
            EtcdServer server = new EtcdServer(DebianBinary.find("etcd", "etcd-server"),
                    Files.createTempDirectory("kvsession-etcd"), FreePort.find(), FreePort.find());
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client URL, e.g. {@code http://127.0.0.1:23790}. */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** Starts (again) on the same ports and data directory and waits until it answers healthy. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        String peer = "http://127.0.0.1:" + peerPort;
        try {
            process = new ProcessBuilder(List.of(binary.toString(), "--name", "kvsession-test",
                    "--data-dir", dataDir.resolve("data").toString(),
                    "--listen-client-urls", endpoint(), "--advertise-client-urls", endpoint(),
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", "kvsession-test=" + peer))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!healthy()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("etcd did not become healthy on " + endpoint() + "; see "
                        + dataDir.resolve("etcd.log"));
            }
            Eventually.pause(Duration.ofMillis(50));
        }
    }

    /** Kills the server (its data stays): clients see connections refused. */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean healthy() {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && answer.body().contains("\"true\"");
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
