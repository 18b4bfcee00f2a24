package io.kvsession.sidecar.support.dynamo;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The worker's {@code session_control} endpoint behind the listener: the routing check ("Unknown endpoint: ..."
 * unless the path is this instance's), then {@code Ingress::handle_payload} ({@code ingress/push_handler.rs}):
 * decode the two-part payload (both parts required), the control message and the body, then open the response
 * stream. Any failure before the stream opens is logged and dropped upstream, so the caller hears nothing beyond
 * its ACK; the request is still recorded here, as are the ones refused at the listener.
 */
final class SessionControlEndpoint implements RequestPlaneServer.Endpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<String> path;
    private final AtomicReference<Script> script;
    private final SessionControl handler;
    private final List<DynamoRpc> received;
    private final Set<Socket> open;
    private final ExecutorService threads;

    SessionControlEndpoint(Supplier<String> path, AtomicReference<Script> script, SessionControl handler,
            List<DynamoRpc> received, Set<Socket> open, ExecutorService threads) {
        this.path = path;
        this.script = script;
        this.handler = handler;
        this.received = received;
        this.open = open;
        this.threads = threads;
    }

    @Override
    public String acknowledgement(RequestFrame frame) {
        String ackError = script.get().ackError();
        if (ackError != null) {
            return ackError;
        }
        return frame.path().equals(path.get()) ? "" : "Unknown endpoint: " + frame.path();
    }

    /** Records the request on the connection's own thread, so records keep arrival order; streams elsewhere. */
    @Override
    public void acknowledged(RequestFrame frame, String ack) {
        Script now = script.get();
        TwoPartFrame parts;
        try {
            parts = TwoPartFrame.decode(frame.payload());
        } catch (ProtocolException undecodable) {
            received.add(new DynamoRpc(frame.path(), frame.headers(), ack, null, null));
            return;
        }
        JsonNode control = parts.header().length == 0 ? null : json(parts.header());
        JsonNode request = parts.data().length == 0 ? null : json(parts.data());
        if (!ack.isEmpty()) {
            // Refused at the listener: nothing decoded it upstream; recorded as sent, for tests that count tries.
            received.add(new DynamoRpc(frame.path(), frame.headers(), ack, control, request));
            return;
        }
        ControlMessage message;
        try {
            message = ControlMessage.parse(control);
        } catch (ProtocolException unusable) {
            message = null;
        }
        boolean decodable = message != null && "json".equals(message.payloadCodec()) && request != null;
        received.add(new DynamoRpc(frame.path(), frame.headers(), ack, control, decodable ? request : null));
        if (decodable && message.canCallHome() && now.callHome() != CallHome.NEVER) {
            CallHomeStream stream = new CallHomeStream(message, now, () -> handler.answer(request, now), open,
                    threads);
            threads.execute(stream::run);
        }
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException notJson) {
            return null;
        }
    }
}
