package io.kvsession.sidecar.support.dynamo;

import java.io.IOException;
import java.net.ProtocolException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The header of a request payload: upstream's {@code RequestControlMessage} ({@code pipeline/network.rs}) with the
 * TCP call-home address inside it ({@code TcpStreamConnectionInfo}, {@code pipeline/network/tcp.rs}).
 * {@code connection_info.info} is itself a JSON document carried as a string. Unknown fields are ignored, as serde
 * does; a missing or mistyped required field makes the worker drop the request after its ACK (no call-home).
 */
record ControlMessage(String id, String payloadCodec, String address, String subject, String context,
        String streamType) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> REQUEST_TYPES = Set.of("single_in", "many_in");
    private static final Set<String> RESPONSE_TYPES = Set.of("single_out", "many_out");
    private static final Set<String> CODECS = Set.of("json", "msgpack");

    /** Deserializes the control message as {@code push_handler.rs} does before it decodes the request body. */
    static ControlMessage parse(JsonNode header) throws ProtocolException {
        if (header == null || !header.isObject()) {
            throw new ProtocolException("Failed deserializing to RequestControlMessage");
        }
        String id = text(header, "id");
        oneOf(header, "request_type", REQUEST_TYPES);
        oneOf(header, "response_type", RESPONSE_TYPES);
        String codec = header.has("payload_codec") ? oneOf(header, "payload_codec", CODECS) : "json";
        JsonNode connection = header.get("connection_info");
        if (connection == null || !connection.isObject()) {
            throw new ProtocolException("missing field `connection_info`");
        }
        String transport = text(connection, "transport");
        String info = text(connection, "info");
        JsonNode stream;
        try {
            stream = JSON.readTree(info);
        } catch (IOException notJson) {
            stream = null;
        }
        if (!"tcp_server".equals(transport) || stream == null || !stream.isObject()) {
            // TcpStreamConnectionInfo::try_from fails: the worker never opens the response stream.
            return new ControlMessage(id, codec, null, null, null, null);
        }
        return new ControlMessage(id, codec, optionalText(stream, "address"), optionalText(stream, "subject"),
                optionalText(stream, "context"), optionalText(stream, "stream_type"));
    }

    /**
     * Whether {@code TcpClient::create_response_stream} would dial back: transport {@code tcp_server}, a complete
     * connection info, stream type {@code response} and a context equal to the request id.
     */
    boolean canCallHome() {
        return address != null && subject != null && context != null && "response".equals(streamType)
                && context.equals(id);
    }

    private static String text(JsonNode node, String field) throws ProtocolException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new ProtocolException("missing or non-string field `" + field + "`");
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static String oneOf(JsonNode node, String field, Set<String> allowed) throws ProtocolException {
        String value = text(node, field);
        if (!allowed.contains(value)) {
            throw new ProtocolException("unknown variant `" + value + "` of `" + field + "`");
        }
        return value;
    }
}
