package io.kvsession.sidecar.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The bearer token that guards /v1 and gRPC, from {@code kvsession.auth.token} or, for a mounted Kubernetes Secret,
 * the file named by {@code kvsession.auth.token-file}. Read once at start; compared in constant time.
 */
@ApplicationScoped
public class AccessToken {

    private static final String BEARER = "Bearer ";

    private final Optional<byte[]> expected;

    public AccessToken(SidecarConfig config) {
        Optional<String> token = config.auth().token().filter(value -> !value.isBlank());
        if (token.isEmpty() && config.auth().tokenFile().isPresent()) {
            try {
                token = Optional.of(Files.readString(config.auth().tokenFile().get(), StandardCharsets.UTF_8).strip())
                        .filter(value -> !value.isEmpty());
            } catch (IOException unreadable) {
                throw new UncheckedIOException("kvsession.auth.token-file " + config.auth().tokenFile().get()
                        + " cannot be read", unreadable);
            }
            if (token.isEmpty()) {
                throw new IllegalStateException("kvsession.auth.token-file " + config.auth().tokenFile().get()
                        + " is empty");
            }
        }
        this.expected = token.map(value -> value.getBytes(StandardCharsets.UTF_8));
    }

    public boolean required() {
        return expected.isPresent();
    }

    /** Whether an {@code Authorization} header value carries the token; always true when none is configured. */
    public boolean accepts(String authorization) {
        if (expected.isEmpty()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected.get(), presented);
    }
}
