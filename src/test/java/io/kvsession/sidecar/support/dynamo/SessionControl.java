package io.kvsession.sidecar.support.dynamo;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The SGLang worker's {@code session_control} handler ({@code components/src/dynamo/sglang/request_handlers/
 * handler_base.py}: {@code session_control}, {@code open_session}, {@code close_session}) and the Python binding
 * that wraps what it yields ({@code lib/bindings/python/rust/engine.rs}: a yielded dict becomes
 * {@code Annotated::from_data}, a raised exception an Annotated error item). SGLang answers a second open of a held
 * id with no session id, which the handler turns into "Session already exists"; closing an id it does not hold is
 * not an error.
 */
final class SessionControl {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Set<String> sessions = ConcurrentHashMap.newKeySet();

    Set<String> sessions() {
        return Set.copyOf(sessions);
    }

    void hold(String sessionId) {
        sessions.add(sessionId);
    }

    void forget() {
        sessions.clear();
    }

    /** The one Annotated item the handler's stream yields for this request. */
    ObjectNode answer(JsonNode request, Script script) {
        if (script.errorItem() != null) {
            return errorItem(script.errorItem(), script.legacyErrorItem());
        }
        if (request == null || !request.isObject()) {
            return errorItem("AttributeError: '" + pythonType(request) + "' object has no attribute 'get'",
                    script.legacyErrorItem());
        }
        JsonNode action = request.get("action");
        ObjectNode result;
        if (action != null && "open_session".equals(action.textValue())) {
            result = open(request, script);
        } else if (action != null && "close_session".equals(action.textValue())) {
            result = close(request);
        } else {
            result = error("Unknown action: " + pythonStr(action));
        }
        ObjectNode annotated = NODES.objectNode();
        annotated.set("data", result);
        return annotated;
    }

    private ObjectNode open(JsonNode body, Script script) {
        JsonNode sessionId = body.get("session_id");
        if (!truthy(sessionId)) {
            return error("session_id required");
        }
        String timeoutProblem = floatProblem(body.get("timeout"));
        if (timeoutProblem != null) {
            return error(timeoutProblem);
        }
        if (script.rejectOpens() != null) {
            return error(script.rejectOpens());
        }
        ObjectNode ok = ok(sessionId);
        if (!sessions.add(sessionId.asText()) || script.alreadyExists()) {
            ok.put("message", "Session already exists");
        }
        return ok;
    }

    private ObjectNode close(JsonNode body) {
        JsonNode sessionId = body.get("session_id");
        if (!truthy(sessionId)) {
            return error("session_id required");
        }
        sessions.remove(sessionId.asText());
        return ok(sessionId);
    }

    private static ObjectNode ok(JsonNode sessionId) {
        ObjectNode ok = NODES.objectNode().put("status", "ok");
        ok.set("session_id", sessionId);
        return ok;
    }

    private static ObjectNode error(String message) {
        return NODES.objectNode().put("status", "error").put("message", message);
    }

    /**
     * An exception raised in the handler: {@code Annotated::from_err} of the binding's {@code DynamoError}
     * ({@code protocols/annotated.rs}, {@code error.rs}), or the older {@code from_error} shape with the message in
     * {@code comment}.
     */
    private static ObjectNode errorItem(String message, boolean legacy) {
        ObjectNode item = NODES.objectNode().put("event", "error");
        if (legacy) {
            item.putArray("comment").add(message);
        } else {
            ObjectNode error = item.putObject("error");
            error.putObject("error_type").put("Backend", "Unknown");
            error.put("message", message);
        }
        return item;
    }

    /** What {@code float(timeout)} raises for this value, or null when it converts (absent means the default). */
    private static String floatProblem(JsonNode timeout) {
        if (timeout == null || timeout.isNumber()) {
            return null;
        }
        if (timeout.isTextual()) {
            try {
                Double.parseDouble(timeout.textValue().strip());
                return null;
            } catch (NumberFormatException notANumber) {
                return "could not convert string to float: '" + timeout.textValue() + "'";
            }
        }
        return "float() argument must be a string or a real number, not '" + pythonType(timeout) + "'";
    }

    private static boolean truthy(JsonNode value) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (value.isTextual()) {
            return !value.textValue().isEmpty();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return value.doubleValue() != 0;
        }
        return value.size() > 0;
    }

    private static String pythonStr(JsonNode value) {
        if (value == null || value.isNull()) {
            return "None";
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "True" : "False";
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private static String pythonType(JsonNode value) {
        if (value == null || value.isNull()) {
            return "NoneType";
        }
        if (value.isTextual()) {
            return "str";
        }
        if (value.isBoolean()) {
            return "bool";
        }
        if (value.isIntegralNumber()) {
            return "int";
        }
        if (value.isNumber()) {
            return "float";
        }
        return value.isArray() ? "list" : "dict";
    }
}
