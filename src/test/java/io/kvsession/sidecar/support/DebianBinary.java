package io.kvsession.sidecar.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a server binary the tests need (etcd): on the PATH or in {@code /usr/bin} where the Debian package is
 * installed, else provisioned into {@code target/provisioned/} by {@code apt-get download} and {@code dpkg-deb -x},
 * which needs neither root nor an installed package. A binary that cannot be had fails the test with the command that
 * installs it — a test that needs a real server is never skipped.
 */
public final class DebianBinary {

    private static final Path PROVISIONED = Path.of("target", "provisioned");

    private DebianBinary() {
    }

    /** The path of {@code command}, provisioning Debian package {@code debianPackage} when it is missing. */
    public static synchronized Path find(String command, String debianPackage) {
        Optional<Path> installed = onPath(command);
        if (installed.isPresent()) {
            return installed.get();
        }
        Path extracted = PROVISIONED.resolve(debianPackage).resolve("usr/bin").resolve(command).toAbsolutePath();
        if (Files.isExecutable(extracted)) {
            return extracted;
        }
        try {
            Path dir = Files.createDirectories(PROVISIONED.resolve(debianPackage)).toAbsolutePath();
            run(dir, "apt-get", "download", debianPackage);
            try (var debs = Files.list(dir)) {
                Path deb = debs.filter(file -> file.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new IOException("apt-get download " + debianPackage + " left no .deb"));
                run(dir, "dpkg-deb", "-x", deb.toString(), dir.toString());
            }
        } catch (IOException | InterruptedException failure) {
            throw new IllegalStateException(command + " is not installed and could not be provisioned ("
                    + failure.getMessage() + "); install it with: apt-get install -y " + debianPackage, failure);
        }
        if (!Files.isExecutable(extracted)) {
            throw new IllegalStateException("package " + debianPackage + " has no usr/bin/" + command
                    + "; install it with: apt-get install -y " + debianPackage);
        }
        return extracted;
    }

    /** The executable {@code command} on the PATH, if any. */
    public static Optional<Path> onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("provision.log").toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed; see " + dir.resolve("provision.log"));
        }
    }
}
