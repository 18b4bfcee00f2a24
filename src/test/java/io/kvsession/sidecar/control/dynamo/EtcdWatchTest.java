package io.kvsession.sidecar.control.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.support.EtcdServer;
import io.kvsession.sidecar.support.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Discovery's core against a real etcd: listing, puts, deletes, lease expiry, compaction, an etcd outage. */
class EtcdWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static EtcdServer etcd;

    private final List<List<String>> published = new CopyOnWriteArrayList<>();
    private final AtomicReference<List<String>> latest = new AtomicReference<>();
    private final AtomicReference<List<String>> urls = new AtomicReference<>(List.of());
    private Vertx vertx;
    private EtcdWatch watch;
    private String prefix;

    @BeforeAll
    static void launch() {
        etcd = EtcdServer.launch();
    }

    @AfterAll
    static void shutDown() {
        etcd.close();
    }

    @BeforeEach
    void start(TestInfo test) {
        vertx = Vertx.vertx();
        prefix = EtcdInstances.prefix(test.getTestMethod().orElseThrow().getName(), "backend", "session_control");
    }

    @AfterEach
    void stop() {
        if (watch != null) {
            watch.stop();
        }
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void listsThenFollowsPutsAndDeletes() throws Exception {
        put(etcd, prefix + "1", endpoint(1, "10.0.0.1:4000/1/session_control"));
        put(etcd, prefix + "2", "{\"type\":\"Endpoint\",\"instance_id\":2,\"transport\":{\"nats_tcp\":\"n.c.e-2\"}}");
        put(etcd, prefix + "ffffffffffffffff", endpoint("18446744073709551615", "10.0.0.3:4000/f/session_control"));

        watch(etcd.endpoint());
        awaitInstances("1", "18446744073709551615");
        assertTrue(urls.get().contains("tcp://10.0.0.1:4000/1/session_control"), urls.get().toString());

        put(etcd, prefix + "4", endpoint(4, "10.0.0.4:4000/4/session_control"));
        awaitInstances("1", "18446744073709551615", "4");
        delete(etcd, prefix + "1");
        awaitInstances("18446744073709551615", "4");
        put(etcd, prefix.replace("session_control/", "session_control_v2/") + "5",
                endpoint(5, "10.0.0.5:4000/5/session_control_v2"));
        put(etcd, prefix + "4", endpoint(4, "10.0.0.44:4000/4/session_control"));
        Eventually.await(WAIT, () -> "instance 4 moved, saw " + urls.get(),
                () -> urls.get().contains("tcp://10.0.0.44:4000/4/session_control"));
        assertEquals(List.of("18446744073709551615", "4"), latest.get(), "other endpoints stay out");
    }

    @Test
    void anInstanceGoesAwayWhenItsLeaseExpires() throws Exception {
        put(etcd, prefix + "a", endpoint(10, "10.0.0.10:4000/a/session_control"));
        String lease = etcd(etcd, "/v3/lease/grant", new JsonObject().put("TTL", 2)).getString("ID");
        put(etcd, prefix + "b", endpoint(11, "10.0.0.11:4000/b/session_control"), lease);

        watch(etcd.endpoint());
        awaitInstances("10", "11");
        awaitInstances("10");
    }

    @Test
    void aWatchFromACompactedRevisionIsCancelledSoThatTheKeysAreListedAgain() throws Exception {
        put(etcd, prefix + "c", endpoint(20, "10.0.0.20:4000/c/session_control"));
        long revision = Long.parseLong(put(etcd, prefix + "c", endpoint(20, "10.0.0.21:4000/c/session_control"))
                .getJsonObject("header").getString("revision"));
        etcd(etcd, "/v3/kv/compaction", new JsonObject().put("revision", Long.toString(revision)));
        EtcdGateway gateway = new EtcdGateway(vertx, List.of(etcd.endpoint()));
        List<EtcdGateway.Changes> changes = new CopyOnWriteArrayList<>();

        EtcdGateway.Watch compacted = gateway.watch(prefix, revision - 1, changes::add);

        Eventually.await(WAIT, () -> "a cancelled watch, saw " + changes,
                () -> changes.stream().anyMatch(EtcdGateway.Changes::canceled));
        assertEquals(revision, changes.stream().filter(EtcdGateway.Changes::canceled).findFirst().orElseThrow()
                .compactRevision());
        compacted.cancel();
        gateway.close();
    }

    @Test
    void anEtcdOutageChangesNothingAndTheWatchResumesWhenEtcdIsBack() throws Exception {
        try (EtcdServer own = EtcdServer.launch()) {
            put(own, prefix + "1", endpoint(1, "10.0.0.1:4000/1/session_control"));
            put(own, prefix + "2", endpoint(2, "10.0.0.2:4000/2/session_control"));
            watch(unusedEndpoint(), own.endpoint());
            awaitInstances("1", "2");
            int before = published.size();

            own.stop();
            Thread.sleep(2_000);
            assertEquals(List.of("1", "2"), latest.get());
            assertTrue(published.subList(before, published.size()).stream().allMatch(List.of("1", "2")::equals),
                    "nothing but the known set while etcd is down: " + published);

            own.start();
            delete(own, prefix + "1");
            put(own, prefix + "3", endpoint(3, "10.0.0.3:4000/3/session_control"));
            awaitInstances("2", "3");
            put(own, prefix + "4", endpoint(4, "10.0.0.4:4000/4/session_control"));
            awaitInstances("2", "3", "4");
        }
    }

    private void watch(String... endpoints) {
        watch = new EtcdWatch(vertx, List.of(endpoints), prefix, instances -> {
            List<String> ids = instances.stream().map(Instance::id).sorted().toList();
            latest.set(ids);
            published.add(ids);
            urls.set(instances.stream().map(instance -> instance.url().toString()).toList());
        });
        watch.start();
    }

    /** Waits until the published instances are exactly these (in id order). */
    private void awaitInstances(String... ids) {
        List<String> expected = Stream.of(ids).sorted().toList();
        Eventually.await(WAIT, () -> "instances " + expected + ", saw " + latest.get(),
                () -> expected.equals(latest.get()));
    }

    private static String endpoint(Object id, String tcp) {
        return "{\"type\":\"Endpoint\",\"namespace\":\"n\",\"component\":\"backend\",\"endpoint\":\"session_control\","
                + "\"instance_id\":" + id + ",\"transport\":{\"tcp\":\"" + tcp + "\"},\"device_type\":\"cuda\"}";
    }

    private static JsonObject put(EtcdServer server, String key, String value, String... lease) throws Exception {
        JsonObject body = new JsonObject().put("key", base64(key)).put("value", base64(value));
        if (lease.length > 0) {
            body.put("lease", lease[0]);
        }
        return etcd(server, "/v3/kv/put", body);
    }

    private static void delete(EtcdServer server, String key) throws Exception {
        etcd(server, "/v3/kv/deleterange", new JsonObject().put("key", base64(key)));
    }

    private static JsonObject etcd(EtcdServer server, String path, JsonObject body) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return new JsonObject(answer.body());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** An endpoint nothing listens on: the watch must move on to the next one. */
    private static String unusedEndpoint() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return "http://127.0.0.1:" + probe.getLocalPort();
        }
    }
}
