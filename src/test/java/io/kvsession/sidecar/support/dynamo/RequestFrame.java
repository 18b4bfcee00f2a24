package io.kvsession.sidecar.support.dynamo;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One request on the TCP request plane, as {@code codec/zero_copy_decoder.rs} reads it: big-endian
 * {@code u16 path_len | path | u16 headers_len | headers JSON | u32 payload_len | payload}.
 *
 * @param path the endpoint path, or null when its bytes are not UTF-8 (answered "Invalid endpoint path")
 * @param headers string headers; empty when absent or not a JSON object of strings, as upstream's
 *        {@code unwrap_or_default()} makes them
 */
record RequestFrame(String path, Map<String, String> headers, byte[] payload) {

    /** Upstream's default {@code DYN_TCP_MAX_MESSAGE_SIZE}. */
    static final long MAX_PAYLOAD = 32L * 1024 * 1024;

    private static final int MAX_PATH = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A framing error the server answers with one last acknowledgement ({@code "Read error: ..."}) before it
     * drops the connection, as {@code SharedTcpServer::read_loop} does.
     */
    static final class Unreadable extends IOException {

        Unreadable(String reason) {
            super("Read error: " + reason);
        }
    }

    /** The next request, or null when the caller closed the connection (at or inside a frame: upstream is silent). */
    static RequestFrame read(DataInputStream in) throws IOException {
        try {
            int pathLength = in.readUnsignedShort();
            if (pathLength == 0 || pathLength > MAX_PATH) {
                throw new Unreadable("invalid endpoint path length: " + pathLength);
            }
            byte[] path = new byte[pathLength];
            in.readFully(path);
            byte[] headers = new byte[in.readUnsignedShort()];
            in.readFully(headers);
            long payloadLength = in.readInt() & 0xFFFF_FFFFL;
            if (payloadLength > MAX_PAYLOAD) {
                throw new Unreadable("message too large: " + payloadLength + " bytes (max: " + MAX_PAYLOAD
                        + " bytes)");
            }
            byte[] payload = new byte[(int) payloadLength];
            in.readFully(payload);
            return new RequestFrame(utf8(path), headers(headers), payload);
        } catch (EOFException closed) {
            return null;
        }
    }

    /** The acknowledgement frame: {@code u32 len | bytes}, where an empty text means "accepted". */
    static byte[] acknowledgement(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }

    private static Map<String, String> headers(byte[] bytes) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (bytes.length == 0) {
            return headers;
        }
        try {
            JsonNode object = JSON.readTree(bytes);
            if (object == null || !object.isObject()) {
                return Map.of();
            }
            for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) object::fields) {
                if (!field.getValue().isTextual()) {
                    return Map.of();
                }
                headers.put(field.getKey(), field.getValue().textValue());
            }
            return headers;
        } catch (IOException notJson) {
            return Map.of();
        }
    }
}
