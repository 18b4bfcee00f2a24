package io.kvsession.sidecar.support.dynamo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The worker's primary etcd lease and the one key it puts on it, through etcd's v3 JSON gateway. Behaviour from
 * {@code lib/runtime/src/transports/etcd.rs} (a lease of TTL 10 s per runtime, revoked on shutdown) and
 * {@code transports/etcd/lease.rs} (a keep-alive every TTL/2 of the last granted TTL; a keep-alive answered with
 * TTL 0 means the lease is gone). The gateway carries int64 fields as JSON strings and keys and values in base64.
 */
final class EtcdLease implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String endpoint;
    private final Duration ttl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "replica-dynamo-keepalive");
        thread.setDaemon(true);
        return thread;
    });
    private volatile long id;
    private volatile ScheduledFuture<?> keepAlive;

    EtcdLease(String endpoint, Duration ttl) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.ttl = ttl;
    }

    /** Grants a new lease, starts keeping it alive and returns its id (etcd's, always positive). */
    long grant() {
        JsonNode granted = post("/v3/lease/grant", JSON.createObjectNode().put("TTL", ttl.toSeconds()));
        id = Long.parseLong(granted.path("ID").asText());
        long grantedTtl = Long.parseLong(granted.path("TTL").asText(Long.toString(ttl.toSeconds())));
        long period = Math.max(1, grantedTtl * 1000 / 2);
        keepAlive = timer.scheduleAtFixedRate(this::refresh, period, period, TimeUnit.MILLISECONDS);
        return id;
    }

    /** Puts the key on the current lease. */
    void put(String key, String value) {
        post("/v3/kv/put", JSON.createObjectNode().put("key", base64(key)).put("value", base64(value))
                .put("lease", Long.toString(id)));
    }

    /** Stops the keep-alives: etcd expires the lease, and its key, after the TTL. */
    void stopKeepAlives() {
        ScheduledFuture<?> running = keepAlive;
        if (running != null) {
            running.cancel(false);
        }
    }

    /** Stops the keep-alives and revokes the lease: its key disappears at once. */
    void revoke() {
        stopKeepAlives();
        post("/v3/lease/revoke", JSON.createObjectNode().put("ID", Long.toString(id)));
    }

    @Override
    public void close() {
        try {
            revoke();
        } catch (IllegalStateException unreachable) {
            // An etcd that is down (or a lease already gone) lets the key expire on its own.
        }
        timer.shutdownNow();
    }

    private void refresh() {
        try {
            JsonNode answer = post("/v3/lease/keepalive", JSON.createObjectNode().put("ID", Long.toString(id)));
            if (answer.path("result").path("TTL").asLong(0) == 0) {
                stopKeepAlives();
            }
        } catch (IllegalStateException unreachable) {
            // Upstream retries until the TTL has passed without a heartbeat; so does the next tick here.
        }
    }

    private JsonNode post(String path, ObjectNode body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(2))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = JSON.readTree(answer.body());
            if (answer.statusCode() != 200 || json.has("error")) {
                throw new IllegalStateException("etcd " + path + " answered " + answer.statusCode() + ": "
                        + answer.body());
            }
            return json;
        } catch (IOException e) {
            throw new IllegalStateException("etcd " + path + " unreachable at " + endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling etcd " + path, e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
