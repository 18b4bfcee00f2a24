package io.kvsession.sidecar.support;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

import io.kvsession.sidecar.support.SglangBehaviour.ServerInfoRoutes;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** The routes of SGLang's HTTP server ({@code entrypoints/http_server.py}) as a fake worker answers them. */
final class SglangRoutes {

    /** {@code io_struct.OpenSessionReqInput} and {@code CloseSessionReqInput} ({@code !} required). */
    private static final Map<String, String> OPEN_FIELDS = fields("capacity_of_str_len", "int!", "session_id",
            "str?", "streaming", "bool?", "timeout", "float?");
    private static final Map<String, String> CLOSE_FIELDS = fields("session_id", "str!");

    private final SglangBehaviour b;

    SglangRoutes(SglangBehaviour behaviour) {
        this.b = behaviour;
    }

    void handle(HttpExchange exchange, String method, String path) throws IOException {
        switch (path) {
            case "/health", "/health_generate" -> {
                if (!"GET".equals(method)) {
                    SglangHttp.methodNotAllowed(exchange, "GET");
                } else {
                    health(exchange, path);
                }
            }
            case "/server_info", "/get_server_info", "/model_info", "/get_model_info" -> info(exchange, method, path);
            case "/open_session", "/close_session" -> {
                if (!"GET".equals(method) && !"POST".equals(method)) {
                    SglangHttp.methodNotAllowed(exchange, "GET, POST");
                    return;
                }
                SglangHttp.Body body = SglangHttp.Body.read(exchange);
                FakeWorker.Rpc rpc = new FakeWorker.Rpc(method, path, body.object());
                b.worker.record(rpc);
                if (rpc.isOpen()) {
                    open(exchange, body);
                } else {
                    close(exchange, body);
                }
            }
            default -> {
                b.worker.record(new FakeWorker.Rpc(method, path, SglangHttp.Body.read(exchange).object()));
                SglangHttp.notFound(exchange);
            }
        }
    }

    /** {@code http_server.health_generate}, serving both paths. */
    private void health(HttpExchange exchange, String path) throws IOException {
        b.worker.countHealthCheck();
        if (b.shuttingDown || b.isStarting()) {
            SglangHttp.empty(exchange, 503);
        } else if (!b.healthGeneration && "/health".equals(path)) {
            SglangHttp.empty(exchange, 200);
        } else if (!b.worker.isHealthy()) {
            FakeWorker.pause(b.unhealthyAfter);
            SglangHttp.empty(exchange, 503);
        } else {
            FakeWorker.pause(b.healthDelay);
            SglangHttp.empty(exchange, 200);
        }
    }

    private void info(HttpExchange exchange, String method, String path) throws IOException {
        ServerInfoRoutes routes = b.infoRoutes;
        boolean routed = switch (path) {
            case "/server_info" -> routes == ServerInfoRoutes.BOTH || routes == ServerInfoRoutes.SERVER_INFO_ONLY;
            case "/get_server_info" -> routes == ServerInfoRoutes.BOTH || routes == ServerInfoRoutes.LEGACY_ONLY;
            default -> true;
        };
        if (!routed) {
            SglangHttp.notFound(exchange);
        } else if (!"GET".equals(method)) {
            SglangHttp.methodNotAllowed(exchange, "GET");
        } else {
            b.infoRequests.add(path);
            SglangHttp.json(exchange, 200, (path.endsWith("server_info") ? serverInfo() : modelInfo()).encode());
        }
    }

    /** {@code /server_info}: every server argument, then the scheduler's init info, internal states, version. */
    JsonObject serverInfo() {
        JsonObject args = new JsonObject().put("model_path", modelPath()).put("tokenizer_path", modelPath())
                .put("host", b.worker.host()).put("port", b.worker.port()).put("skip_server_warmup", false)
                .put("context_length", null).put("page_size", 1).put("tp_size", 1).put("pp_size", 1)
                .put("dp_size", 1).put("disable_radix_cache", false).put("radix_eviction_policy", "lru")
                .put("enable_streaming_session", b.mode.streaming).put("random_seed", b.randomSeed)
                .put("api_key", null).put("served_model_name", modelPath()).put("weight_version", "default");
        if (b.infoRoutes != ServerInfoRoutes.LEGACY_ONLY || b.mode.radix) {
            args.put("enable_session_radix_cache", b.mode.radix);
        }
        JsonObject internal = args.copy().put("last_gen_throughput", 0.0)
                .put("memory_usage", new JsonObject().put("weight", 1.53).put("kvcache", 0.23)
                        .put("token_capacity", 20480).put("graph", 0))
                .put("effective_max_running_requests_per_dp", 128);
        return args.copy().put("status", "ready").put("max_total_num_tokens", 20480)
                .put("max_req_input_len", 20474).put("internal_states", List.of(internal)).put("version", b.version);
    }

    private JsonObject modelInfo() {
        return new JsonObject().put("model_path", modelPath()).put("tokenizer_path", modelPath())
                .put("is_generation", true).put("preferred_sampling_params", null).put("weight_version", "default");
    }

    private String modelPath() {
        return "fake/" + b.worker.id();
    }

    /** {@code http_server.open_session} over {@code TokenizerControlMixin.open_session} and the scheduler. */
    private void open(HttpExchange exchange, SglangHttp.Body body) throws IOException {
        List<SglangHttp.Error> errors = SglangHttp.validate(body, OPEN_FIELDS);
        if (!errors.isEmpty()) {
            SglangHttp.validationError(exchange, errors);
            return;
        }
        JsonObject request = body.object();
        switch (b.worker.openMode()) {
            case REJECT -> {
                FakeWorker.pause(b.worker.rpcPause());
                SglangHttp.error(exchange, FakeWorker.REJECTION);
                return;
            }
            case SERVER_ERROR -> {
                FakeWorker.pause(b.worker.rpcPause());
                SglangHttp.text(exchange, 500, "Internal Server Error");
                return;
            }
            case ENDLESS, NORMAL -> {
            }
        }
        boolean streaming = Boolean.TRUE.equals(request.getBoolean("streaming"));
        if (streaming && !b.mode.streaming) {
            FakeWorker.pause(b.worker.rpcPause());
            SglangHttp.error(exchange, SglangHttp.STREAMING_DISABLED);
            return;
        }
        String id = request.getString("session_id");
        if (id == null) {
            id = SglangSessions.newId();
        } else if (!b.state.beginOpen(id)) {
            FakeWorker.pause(b.worker.rpcPause());
            SglangHttp.error(exchange, SglangHttp.DUPLICATE);
            return;
        }
        boolean opened;
        try {
            // delayOpens: the open itself is late, so that closes sent after it can overtake it.
            FakeWorker.pause(b.worker.lateOpen());
            Number timeout = (Number) request.getValue("timeout");
            opened = b.state.open(id, streaming, timeout == null ? null : timeout.doubleValue());
            FakeWorker.pause(b.openAnswerDelay);
        } finally {
            b.state.endOpen(id);
        }
        // delay: a slow worker acts in arrival order, as SGLang does, and answers late.
        FakeWorker.pause(b.worker.rpcPause());
        if (opened && b.worker.openMode() == FakeWorker.OpenMode.ENDLESS) {
            SglangHttp.endless(exchange, b.worker::wroteEndless);
        } else if (opened) {
            SglangHttp.json(exchange, 200, Json.encode(id));
        } else {
            SglangHttp.error(exchange, SglangHttp.DUPLICATE);
        }
    }

    /** {@code http_server.close_session}: fire-and-forget, 200 with no body for any id. */
    private void close(HttpExchange exchange, SglangHttp.Body body) throws IOException {
        List<SglangHttp.Error> errors = SglangHttp.validate(body, CLOSE_FIELDS);
        if (!errors.isEmpty()) {
            SglangHttp.validationError(exchange, errors);
            return;
        }
        if (b.worker.takeCloseFailure()) {
            FakeWorker.pause(b.worker.rpcPause());
            SglangHttp.text(exchange, 500, "Internal Server Error");
            return;
        }
        b.state.close(body.object().getString("session_id"));
        FakeWorker.pause(b.worker.rpcPause());
        SglangHttp.empty(exchange, 200);
    }

    private static Map<String, String> fields(String... pairs) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put(pairs[i], pairs[i + 1]);
        }
        return fields;
    }
}
