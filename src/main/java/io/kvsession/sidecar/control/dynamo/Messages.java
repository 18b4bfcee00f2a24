package io.kvsession.sidecar.control.dynamo;

import java.util.Optional;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The JSON messages of a call (ai-dynamo/dynamo {@code lib/runtime/src/pipeline/network.rs}, {@code tcp.rs},
 * {@code egress/addressed_router.rs}, {@code ingress/push_handler.rs}). Anything a worker sends that does not fit is a
 * {@link Malformed} frame.
 */
final class Messages {

    /** What the worker sent does not follow the protocol. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** One response frame's content: an item (an {@code Annotated} object), or the end of the items. */
    record Data(JsonObject item, boolean completeFinal) {
    }

    private Messages() {
    }

    /**
     * The two-part header of a request: a single-in, many-out call whose answers the worker streams back over a new
     * connection to {@code address}, identified by {@code subject}. {@code info} is itself a JSON string, and its
     * {@code context} must equal {@code id} or the worker refuses to call back. The payload codec is always JSON:
     * a worker that reads the field honours it for the request and its answers.
     */
    static JsonObject requestControl(String id, String address, String subject) {
        JsonObject info = new JsonObject()
                .put("address", address)
                .put("subject", subject)
                .put("context", id)
                .put("stream_type", "response");
        return new JsonObject()
                .put("id", id)
                .put("request_type", "single_in")
                .put("response_type", "many_out")
                .put("payload_codec", "json")
                .put("connection_info", new JsonObject().put("transport", "tcp_server").put("info", info.encode()));
    }

    /** Request-frame headers: the routing path (as upstream repeats it there) and the id for the worker's logs. */
    static JsonObject requestHeaders(String path, String id) {
        return new JsonObject().put("x-endpoint-path", path).put("request-id", id);
    }

    /** The subject a call-home connection names in its first, header-only message, if it is a response stream. */
    static Optional<String> handshakeSubject(Buffer header, Buffer body) {
        if (header.length() == 0 || body.length() > 0) {
            return Optional.empty();
        }
        try {
            JsonObject handshake = new JsonObject(header);
            return "response".equals(handshake.getValue("stream_type"))
                    && handshake.getValue("subject") instanceof String subject ? Optional.of(subject)
                            : Optional.empty();
        } catch (DecodeException | ClassCastException notAHandshake) {
            return Optional.empty();
        }
    }

    /** The prologue's error, empty when the worker's handler started; the prologue is header-only. */
    static Optional<String> prologueError(Buffer header, Buffer body) {
        if (header.length() == 0 || body.length() > 0) {
            throw new Malformed("the first message after the handshake is not a header-only prologue");
        }
        JsonObject prologue = object(header, "prologue");
        Object error = prologue.getValue("error");
        if (error == null) {
            return Optional.empty();
        }
        if (error instanceof String text) {
            return Optional.of(text);
        }
        throw new Malformed("the prologue's error is not a string: " + excerpt(header));
    }

    /** Whether a control header is the sentinel that ends the stream; any other control word is a violation. */
    static boolean isSentinel(Buffer header) {
        Object word;
        try {
            word = Json.decodeValue(header);
        } catch (DecodeException notJson) {
            throw new Malformed("a control message is not JSON: " + excerpt(header));
        }
        if ("sentinel".equals(word)) {
            return true;
        }
        throw new Malformed("unexpected control message from the worker: " + excerpt(header));
    }

    /** A data frame: {@code {"data": <Annotated>, "complete_final": false}} or {@code {"complete_final": true}}. */
    static Data data(Buffer body) {
        JsonObject wrapper = object(body, "response");
        Object item = wrapper.getValue("data");
        boolean completeFinal = Boolean.TRUE.equals(wrapper.getValue("complete_final"));
        if (item instanceof JsonObject annotated) {
            return new Data(annotated, completeFinal);
        }
        if (item == null && completeFinal) {
            return new Data(null, true);
        }
        throw new Malformed(item == null ? "an empty response item: " + excerpt(body)
                : "a response item that is not an object: " + excerpt(body));
    }

    /** A message cut short for logs and error messages. */
    static String excerpt(Buffer bytes) {
        String text = bytes.toString().strip();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static JsonObject object(Buffer bytes, String what) {
        try {
            return new JsonObject(bytes);
        } catch (DecodeException | ClassCastException notAnObject) {
            throw new Malformed("the " + what + " is not a JSON object: " + excerpt(bytes));
        }
    }
}
