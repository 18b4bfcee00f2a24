package io.kvsession.sidecar.control.dynamo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;

/**
 * etcd's v3 JSON gateway over the Vert.x HTTP client — not jetcd, which would bring a second gRPC and Netty stack
 * into the native image. Keys and values travel base64-encoded, 64-bit numbers as strings; a watch is one POST whose
 * response streams one JSON object per line. Several endpoints are used one at a time, the next after a failure.
 */
final class EtcdGateway {

    /** All keys under a prefix, as of {@code revision}. */
    record Listing(long revision, Map<String, Buffer> values) {
    }

    /** A put (with its value) or a delete (also how a lease's expiry shows) of one key. */
    record Event(String key, Buffer value) {
        boolean deleted() {
            return value == null;
        }
    }

    /** One watch response: events, or the end of the watch ({@code canceled}, e.g. its revision was compacted). */
    record Changes(List<Event> events, boolean canceled, long compactRevision) {
    }

    /** A watch in progress; {@link #ended()} fails when its stream breaks, {@link #cancel()} ends it on purpose. */
    static final class Watch {
        private final Promise<Void> ended = Promise.promise();
        private HttpClientRequest request;

        Future<Void> ended() {
            return ended.future();
        }

        void cancel() {
            end("watch cancelled");
        }

        private void end(String why) {
            ended.tryFail(why);
            if (request != null) {
                request.reset();
            }
        }
    }

    private static final long RANGE_TIMEOUT_MILLIS = 5_000;

    /**
     * A watch asks for progress notifications, which etcd sends every 10 minutes when nothing changes; a stream silent
     * for longer is taken as broken, so that a connection lost without a reset is noticed.
     */
    private static final long WATCH_SILENCE_MILLIS = 15 * 60_000;

    private final HttpClient client;
    private final List<String> endpoints;
    private int current;

    EtcdGateway(Vertx vertx, List<String> endpoints) {
        this.endpoints = endpoints.stream().map(String::strip).map(url -> url.replaceAll("/+$", "")).toList();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(2_000)
                .setTcpKeepAlive(true)
                .setName("kvsession-etcd"));
    }

    String endpoint() {
        return endpoints.get(current);
    }

    /** Moves on to the next endpoint, round robin, after the current one failed. */
    void rotate() {
        current = (current + 1) % endpoints.size();
    }

    Future<Listing> range(String prefix) {
        RequestOptions options = post("/v3/kv/range").setIdleTimeout(RANGE_TIMEOUT_MILLIS);
        return client.request(options)
                .compose(request -> request.send(keyRange(prefix).toBuffer()))
                .compose(EtcdGateway::okBody)
                .map(body -> {
                    JsonObject answer = new JsonObject(body);
                    Map<String, Buffer> values = new LinkedHashMap<>();
                    JsonArray kvs = answer.getJsonArray("kvs", new JsonArray());
                    for (int i = 0; i < kvs.size(); i++) {
                        JsonObject kv = kvs.getJsonObject(i);
                        values.put(text(kv.getString("key")), bytes(kv.getString("value", "")));
                    }
                    return new Listing(number(answer.getJsonObject("header").getValue("revision")), values);
                });
    }

    /** Watches the keys under {@code prefix} from {@code fromRevision} on, handing each response to {@code changes}. */
    Watch watch(String prefix, long fromRevision, Consumer<Changes> changes) {
        Watch watch = new Watch();
        JsonObject create = keyRange(prefix).put("start_revision", Long.toString(fromRevision))
                .put("progress_notify", true);
        RecordParser lines = RecordParser.newDelimited("\n", line -> {
            if (line.length() == 0) {
                return;
            }
            try {
                changes.accept(changes(new JsonObject(line)));
            } catch (DecodeException | ClassCastException | IllegalStateException unreadable) {
                watch.end("unusable watch response: " + unreadable.getMessage());
            }
        });
        client.request(post("/v3/watch").setIdleTimeout(WATCH_SILENCE_MILLIS)).onComplete(opened -> {
            if (opened.failed()) {
                watch.ended.tryFail(opened.cause());
                return;
            }
            watch.request = opened.result();
            watch.request.exceptionHandler(watch.ended::tryFail);
            if (watch.ended().isComplete()) {
                watch.request.reset();
                return;
            }
            watch.request.send(new JsonObject().put("create_request", create).toBuffer()).onComplete(answered -> {
                if (answered.failed()) {
                    watch.ended.tryFail(answered.cause());
                    return;
                }
                HttpClientResponse response = answered.result();
                if (response.statusCode() != 200) {
                    watch.end("etcd answered the watch with HTTP " + response.statusCode());
                    return;
                }
                response.handler(lines);
                response.exceptionHandler(watch.ended::tryFail);
                response.endHandler(end -> watch.ended.tryFail("etcd ended the watch stream"));
            });
        });
        return watch;
    }

    void close() {
        client.close();
    }

    private RequestOptions post(String path) {
        return new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(endpoint() + path)
                .putHeader("content-type", "application/json");
    }

    private static Changes changes(JsonObject line) {
        if (line.getValue("error") != null) {
            throw new IllegalStateException("etcd failed the watch: " + line.getValue("error"));
        }
        JsonObject result = line.getJsonObject("result", new JsonObject());
        List<Event> events = new ArrayList<>();
        JsonArray raw = result.getJsonArray("events", new JsonArray());
        for (int i = 0; i < raw.size(); i++) {
            JsonObject event = raw.getJsonObject(i);
            JsonObject kv = event.getJsonObject("kv");
            boolean deleted = "DELETE".equals(event.getString("type"));
            events.add(new Event(text(kv.getString("key")), deleted ? null : bytes(kv.getString("value", ""))));
        }
        return new Changes(events, Boolean.TRUE.equals(result.getValue("canceled")),
                number(result.getValue("compact_revision", "0")));
    }

    private static Future<Buffer> okBody(HttpClientResponse response) {
        return response.body().compose(body -> response.statusCode() == 200 ? Future.succeededFuture(body)
                : Future.failedFuture("etcd answered HTTP " + response.statusCode() + ": " + Messages.excerpt(body)));
    }

    /** A range covering every key that starts with {@code prefix}: its end is the prefix with the last byte + 1. */
    private static JsonObject keyRange(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return new JsonObject().put("key", base64(prefix.getBytes(StandardCharsets.UTF_8))).put("range_end",
                base64(end));
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static Buffer bytes(String base64) {
        return Buffer.buffer(Base64.getDecoder().decode(base64));
    }

    private static String text(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** The gateway writes 64-bit integers as JSON strings. */
    private static long number(Object value) {
        return Long.parseLong(String.valueOf(value));
    }
}
