package io.kvsession.sidecar.support.dynamo;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One request a {@link ReplicaDynamoWorker} received.
 *
 * @param path the endpoint path of the request frame; null when it was not UTF-8
 * @param headers the request-plane headers (e.g. {@code x-endpoint-path}, trace headers)
 * @param ack the acknowledgement it got: empty when accepted, else the error text ("Unknown endpoint: ...")
 * @param control the two-part header, the control message; null when it was absent or not JSON
 * @param request the request body; null when it was not JSON or, for an accepted request, when the worker could not
 *        decode it (a msgpack body, or a control message it could not use)
 */
public record DynamoRpc(String path, Map<String, String> headers, String ack, JsonNode control, JsonNode request) {

    public boolean accepted() {
        return ack.isEmpty();
    }

    public String action() {
        return request == null ? null : request.path("action").textValue();
    }

    public String sessionId() {
        JsonNode id = request == null ? null : request.get("session_id");
        return id == null || id.isNull() ? null : id.asText();
    }

    public boolean isOpen() {
        return "open_session".equals(action());
    }

    public boolean isClose() {
        return "close_session".equals(action());
    }
}
