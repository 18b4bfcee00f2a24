package io.kvsession.sidecar.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real Redis on 127.0.0.1 with a directory of its own: Debian's {@code redis-server} where it is on the PATH, else
 * the one the test artifact {@code com.github.codemonstur:embedded-redis} ships, extracted into
 * {@code target/provisioned/embedded-redis/}. Every write goes to an append-only file, so {@link #stop()} or
 * {@link #kill()} followed by {@link #start()} brings it back on the same port with its data, as a Redis restart
 * would. A Redis that cannot be had fails the test with the command that installs it — never a skip.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String INSTALL = "install it with: apt-get install -y redis-server";
    private static final Path PROVISIONED = Path.of("target", "provisioned", "embedded-redis");
    /** The resources of embedded-redis 1.4.3 that hold a Linux redis-server, by {@code os.arch}. */
    private static final Map<String, String> EMBEDDED = Map.of(
            "amd64", "redis-server-6.2.6-v5-linux-amd64",
            "aarch64", "redis-server-6.2.7-linux-arm64");

    private final Path binary;
    private final Path directory;
    private final int port;
    private Process process;

    private RedisServer(Path binary, Path directory, int port) {
        this.binary = binary;
        this.directory = directory;
        this.port = port;
    }

    /** A new, empty Redis, started and answering PING. */
    public static RedisServer launch() {
        return launch(DebianBinary.onPath("redis-server").orElseGet(RedisServer::embeddedBinary));
    }

    /** A new, empty Redis run by {@code binary}, started and answering PING. */
    static RedisServer launch(Path binary) {
        try {
            RedisServer server = new RedisServer(binary, Files.createTempDirectory("kvsession-redis"),
                    FreePort.find());
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code redis-server} shipped in the embedded-redis jar, extracted once and checked to run here. */
    static synchronized Path embeddedBinary() {
        String resource = EMBEDDED.get(System.getProperty("os.arch").toLowerCase(Locale.ROOT));
        if (resource == null || !System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new IllegalStateException("redis-server is not on the PATH and embedded-redis has none for "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "; " + INSTALL);
        }
        Path extracted = PROVISIONED.resolve(resource).toAbsolutePath();
        try {
            if (!Files.isExecutable(extracted)) {
                extract(resource, extracted);
            }
            Process version = new ProcessBuilder(extracted.toString(), "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!version.waitFor(10, TimeUnit.SECONDS) || version.exitValue() != 0) {
                version.destroyForcibly();
                throw new IOException(extracted + " --version failed");
            }
        } catch (IOException failure) {
            throw new IllegalStateException("redis-server is not on the PATH and the embedded one cannot run here ("
                    + failure.getMessage() + "); " + INSTALL, failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + extracted, interrupted);
        }
        return extracted;
    }

    /** {@code redis://127.0.0.1:<port>}, the value for {@code quarkus.redis.hosts}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Sends one command and returns the answer: a String, a Long, a List, or null for nil; an error answer throws
     * {@link IllegalStateException}, a server that is down {@link java.net.ConnectException}.
     */
    public Object command(String... command) throws IOException {
        return Resp.call(port, command);
    }

    /** Starts (again) on the same port and directory, reloads the append-only file and waits until PING answers. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        Path log = directory.resolve("redis.log");
        try {
            process = new ProcessBuilder(List.of(binary.toString(), "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--protected-mode", "no", "--daemonize", "no",
                    "--dir", directory.toString(), "--logfile", log.toString(),
                    // no snapshots: the append-only file alone holds the data, as in the deploy notes
                    "--save", "", "--appendonly", "yes", "--appendfsync", "everysec"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(binary + " did not answer PING on port " + port + "; see " + log);
            }
            Eventually.pause(Duration.ofMillis(20));
        }
    }

    /** Shuts the server down (SIGTERM: the append-only file is flushed); clients see connections refused. */
    public synchronized void stop() {
        end(Process::destroy);
    }

    /**
     * Kills the server (SIGKILL), as a crash would. What it acknowledged survives: Redis hands each write to the
     * append-only file before it answers, and only a crash of the machine loses what was not yet fsynced.
     */
    public synchronized void kill() {
        end(Process::destroyForcibly);
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void end(Consumer<Process> signal) {
        if (process == null) {
            return;
        }
        signal.accept(process);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private boolean answersPing() {
        try {
            return "PONG".equals(command("PING"));
        } catch (IOException | IllegalStateException notYet) {
            // refused while it binds, or -LOADING while it replays the append-only file
            return false;
        }
    }

    private static void extract(String resource, Path target) throws IOException {
        try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the test classpath (com.github.codemonstur:"
                        + "embedded-redis in pom.xml)");
            }
            Files.createDirectories(target.getParent());
            // copied beside the target and moved into place, so a half-written file is never taken for the binary
            Path partial = Files.createTempFile(target.getParent(), resource, ".partial");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            if (!partial.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + partial + " executable");
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
