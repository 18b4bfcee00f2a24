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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A redis-server on a free loopback port with a directory of its own, deleted on close. */
record BenchRedis(Process process, Path directory, int port) implements AutoCloseable {

    static BenchRedis start() throws Exception {
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
        BenchRedis redis = new BenchRedis(process, directory, port);
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
        return exchange(command, in -> {
            String header = in.readLine();
            if (header == null || !header.startsWith("$")) {
                throw new IOException("not a bulk answer: " + header);
            }
            char[] body = new char[Integer.parseInt(header.substring(1))];
            int read = 0;
            int n;
            while (read < body.length && (n = in.read(body, read, body.length - read)) >= 0) {
                read += n;
            }
            return List.of(new String(body, 0, read).split("\r\n"));
        });
    }

    /** The first line of the answer to an inline command ({@code +PONG}, {@code :42}). */
    String answer(String command) throws IOException {
        return exchange(command, in -> {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("redis-server closed the connection");
            }
            return line;
        });
    }

    private interface AnswerReader<T> {
        T read(BufferedReader in) throws IOException;
    }

    /** Sends one inline command on a connection of its own and reads the answer. */
    private <T> T exchange(String command, AnswerReader<T> reader) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reader.read(new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8)));
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
