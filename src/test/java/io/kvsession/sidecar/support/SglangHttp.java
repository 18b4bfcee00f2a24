package io.kvsession.sidecar.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The HTTP surface of SGLang's FastAPI server ({@code entrypoints/http_server.py}): how a body is read and validated,
 * and the exact shapes of its answers.
 */
final class SglangHttp {

    /** {@code http_server.open_session}, when {@code open_session} answers None (duplicate or open in flight). */
    static final String DUPLICATE = "Failed to open the session. Check if a session with the same id is still open.";

    /** {@code TokenizerControlMixin.open_session}, a {@code streaming: true} open without the flag. */
    static final String STREAMING_DISABLED = "Streaming sessions are disabled. "
            + "Please relaunch with --enable-streaming-session.";

    /** A request body as FastAPI would hand it to validation: absent, not JSON, or a decoded value. */
    record Body(String text, Object value, String invalid) {

        static Body read(HttpExchange exchange) throws IOException {
            String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                return new Body(text, null, null);
            }
            String type = exchange.getRequestHeaders().getFirst("content-type");
            if (type != null && !isJson(type)) {
                return new Body(text, text, null);
            }
            try {
                return new Body(text, Json.decodeValue(text), null);
            } catch (DecodeException e) {
                return new Body(text, null, e.getMessage());
            }
        }

        private static boolean isJson(String type) {
            String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            return media.equals("application/json") || media.startsWith("application/") && media.endsWith("+json");
        }

        JsonObject object() {
            return value instanceof JsonObject object ? object : null;
        }
    }

    /** One pydantic error as FastAPI reports it. */
    record Error(String type, String loc, String msg, Object input) {

        String repr() {
            return "{'type': '" + type + "', 'loc': " + loc + ", 'msg': '" + msg + "', 'input': " + py(input) + "}";
        }
    }

    private SglangHttp() {
    }

    /** Validates against the request dataclass: each field {@code name -> kind}, kind {@code int! str? bool? float?}. */
    static List<Error> validate(Body body, Map<String, String> fields) {
        List<Error> errors = new ArrayList<>();
        if (body.invalid() != null) {
            errors.add(new Error("json_invalid", "('body', 0)", "JSON decode error", new JsonObject()));
        } else if (body.value() == null) {
            errors.add(new Error("missing", "('body',)", "Field required", null));
        } else if (body.object() == null) {
            errors.add(new Error("dataclass_type", "('body',)", "Input should be a dictionary or an instance of "
                    + "the dataclass", body.value()));
        } else {
            JsonObject object = body.object();
            fields.forEach((name, kind) -> {
                Object value = object.getValue(name);
                String loc = "('body', '" + name + "')";
                if (value == null) {
                    if (kind.endsWith("!")) {
                        errors.add(new Error("missing", loc, "Field required", object));
                    }
                } else if (kind.startsWith("int") && !(value instanceof Integer || value instanceof Long)) {
                    errors.add(new Error("int_type", loc, "Input should be a valid integer", value));
                } else if (kind.startsWith("str") && !(value instanceof String)) {
                    errors.add(new Error("string_type", loc, "Input should be a valid string", value));
                } else if (kind.startsWith("bool") && !(value instanceof Boolean)) {
                    errors.add(new Error("bool_type", loc, "Input should be a valid boolean", value));
                } else if (kind.startsWith("float") && !(value instanceof Number)) {
                    errors.add(new Error("float_type", loc, "Input should be a valid number", value));
                }
            });
        }
        return errors;
    }

    /**
     * {@code http_server.validation_exception_handler}: 400 (not FastAPI's 422) with the OpenAI-style
     * {@code ErrorResponse}; message {@code f"{exc_str} {errors_str}"}. The exact text depends on the FastAPI and
     * pydantic versions; this is FastAPI 0.115's.
     */
    static void validationError(HttpExchange exchange, List<Error> errors) throws IOException {
        String each = errors.stream().map(Error::repr).collect(Collectors.joining(", "));
        String exc = errors.size() + " validation error" + (errors.size() == 1 ? "" : "s") + ":\n"
                + errors.stream().map(e -> "  " + e.repr() + "\n").collect(Collectors.joining());
        JsonObject answer = new JsonObject().put("object", "error").put("message", exc + " [" + each + "]")
                .put("type", "Bad Request").put("param", null).put("code", 400);
        json(exchange, 400, answer.encode());
    }

    /** {@code http_server._create_error_response}: 400 {@code {"error": {"message": str(e)}}}. */
    static void error(HttpExchange exchange, String message) throws IOException {
        json(exchange, 400, new JsonObject().put("error", new JsonObject().put("message", message)).encode());
    }

    /** Starlette's answers for unrouted paths and methods. */
    static void notFound(HttpExchange exchange) throws IOException {
        json(exchange, 404, "{\"detail\":\"Not Found\"}");
    }

    static void methodNotAllowed(HttpExchange exchange, String allow) throws IOException {
        exchange.getResponseHeaders().set("allow", allow);
        json(exchange, 405, "{\"detail\":\"Method Not Allowed\"}");
    }

    static void json(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        send(exchange, status, body);
    }

    /** {@code Response(status_code=...)}: no body, no content type. */
    /** 200 and a chunked body that never ends, until the client hangs up; {@code wrote} counts the bytes. */
    static void endless(HttpExchange exchange, IntConsumer wrote) {
        byte[] chunk = ("\"" + "x".repeat(8190) + "\"").getBytes(StandardCharsets.UTF_8);
        try {
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            while (true) {
                out.write(chunk);
                out.flush();
                wrote.accept(chunk.length);
            }
        } catch (IOException hungUp) {
            // the client stopped reading: what a real endless answer would see too
        }
    }

    static void empty(HttpExchange exchange, int status) throws IOException {
        send(exchange, status, "");
    }

    static void text(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/plain; charset=utf-8");
        send(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Python's repr of a decoded JSON value. */
    static String py(Object value) {
        if (value == null) {
            return "None";
        } else if (value instanceof Boolean b) {
            return b ? "True" : "False";
        } else if (value instanceof String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        } else if (value instanceof JsonObject o) {
            return o.getMap().keySet().stream().map(k -> py(k) + ": " + py(o.getValue(k)))
                    .collect(Collectors.joining(", ", "{", "}"));
        } else if (value instanceof JsonArray a) {
            return a.stream().map(SglangHttp::py).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }
}
