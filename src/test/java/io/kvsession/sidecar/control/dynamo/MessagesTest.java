package io.kvsession.sidecar.control.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.control.WorkerException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The JSON of a call, in the shapes upstream's serde types produce and accept. */
class MessagesTest {

    private static final Buffer NONE = Buffer.buffer();

    @Test
    void theControlMessageAsksForACallBackWithConnectionInfoAsAJsonString() {
        JsonObject control = Messages.requestControl("ctx-1", "10.0.0.5:41000", "subject-1");

        assertEquals(List.of("id", "request_type", "response_type", "payload_codec", "connection_info"),
                List.copyOf(control.fieldNames()));
        assertEquals("ctx-1", control.getString("id"));
        assertEquals("single_in", control.getString("request_type"));
        assertEquals("many_out", control.getString("response_type"));
        assertEquals("json", control.getString("payload_codec"));
        JsonObject connection = control.getJsonObject("connection_info");
        assertEquals("tcp_server", connection.getString("transport"));
        Object info = connection.getValue("info");
        assertInstanceOf(String.class, info, "info is a JSON document inside a string, not an object");
        JsonObject decoded = new JsonObject((String) info);
        assertEquals(List.of("address", "subject", "context", "stream_type"), List.copyOf(decoded.fieldNames()));
        assertEquals("10.0.0.5:41000", decoded.getString("address"));
        assertEquals("subject-1", decoded.getString("subject"));
        assertEquals(control.getString("id"), decoded.getString("context"), "the worker refuses a context != id");
        assertEquals("response", decoded.getString("stream_type"));
    }

    @Test
    void requestHeadersCarryThePathAndTheRequestId() {
        assertEquals(new JsonObject().put("x-endpoint-path", "7f/session_control").put("request-id", "ctx-1"),
                Messages.requestHeaders("7f/session_control", "ctx-1"));
    }

    @Test
    void aHandshakeNamesItsSubjectInAHeaderOnlyMessage() {
        Buffer handshake = Buffer.buffer("{\"subject\":\"s-1\",\"stream_type\":\"response\"}");

        assertEquals(Optional.of("s-1"), Messages.handshakeSubject(handshake, NONE));
        assertEquals(Optional.empty(), Messages.handshakeSubject(handshake, Buffer.buffer("x")));
        assertEquals(Optional.empty(), Messages.handshakeSubject(NONE, handshake));
        assertEquals(Optional.empty(), Messages.handshakeSubject(
                Buffer.buffer("{\"subject\":\"s-1\",\"stream_type\":\"request\"}"), NONE));
        assertEquals(Optional.empty(), Messages.handshakeSubject(Buffer.buffer("\"sentinel\""), NONE));
    }

    @Test
    void aPrologueWithoutErrorStartsTheAnswerAndOneWithAnErrorEndsIt() {
        assertEquals(Optional.empty(), Messages.prologueError(Buffer.buffer("{\"error\":null}"), NONE));
        assertEquals(Optional.empty(), Messages.prologueError(Buffer.buffer("{}"), NONE));
        assertEquals(Optional.of("Generate Error: boom"), Messages.prologueError(
                Buffer.buffer("{\"error\":\"Generate Error: boom\",\"typed_error\":{\"class\":\"x\"}}"), NONE));
        assertThrows(Messages.Malformed.class, () -> Messages.prologueError(NONE, Buffer.buffer("{}")));
        assertThrows(Messages.Malformed.class, () -> Messages.prologueError(Buffer.buffer("{\"error\":1}"), NONE));
    }

    @Test
    void dataFramesCarryAnnotatedItemsUntilCompleteFinal() {
        Messages.Data item = Messages.data(Buffer.buffer(
                "{\"data\":{\"data\":{\"status\":\"ok\",\"session_id\":\"s\"}},\"complete_final\":false}"));
        assertEquals(new JsonObject().put("data", new JsonObject().put("status", "ok").put("session_id", "s")),
                item.item());
        assertFalse(item.completeFinal());

        Messages.Data end = Messages.data(Buffer.buffer("{\"complete_final\":true}"));
        assertNull(end.item());
        assertTrue(end.completeFinal());

        Messages.Data error = Messages.data(Buffer.buffer(
                "{\"data\":{\"event\":\"error\",\"error\":{\"message\":\"bad\"}},\"complete_final\":false}"));
        assertEquals("error", error.item().getString("event"));

        assertThrows(Messages.Malformed.class, () -> Messages.data(Buffer.buffer("{\"complete_final\":false}")));
        assertThrows(Messages.Malformed.class, () -> Messages.data(Buffer.buffer("{\"data\":3}")));
        assertThrows(Messages.Malformed.class, () -> Messages.data(Buffer.buffer("not json")));
    }

    @Test
    void onlyTheSentinelMayComeAsAControlMessageFromTheWorker() {
        assertTrue(Messages.isSentinel(Buffer.buffer("\"sentinel\"")));
        assertThrows(Messages.Malformed.class, () -> Messages.isSentinel(Buffer.buffer("\"stop\"")));
        assertThrows(Messages.Malformed.class, () -> Messages.isSentinel(Buffer.buffer("{")));
    }

    @Test
    void acknowledgementsMapToRejectionsByWhatTheyMean() {
        assertTrue(Acknowledgements.rejection("w", NONE).isEmpty());

        WorkerException unknownOld = Acknowledgements.rejection("w", Buffer.buffer("Unknown endpoint: 1a/x"))
                .orElseThrow();
        WorkerException unknownNew = Acknowledgements.rejection("w",
                Buffer.buffer("Server unavailable: unknown endpoint 1a/x")).orElseThrow();
        WorkerException overloaded = Acknowledgements.rejection("w",
                Buffer.buffer("Server overloaded: worker at capacity")).orElseThrow();
        WorkerException closing = Acknowledgements.rejection("w",
                Buffer.buffer("Server unavailable: worker pool channel closed")).orElseThrow();
        WorkerException unreadable = Acknowledgements.rejection("w",
                Buffer.buffer("Read error: invalid endpoint path length: 0")).orElseThrow();

        assertFalse(unknownOld.workerFault(), "404: the address is stale, the worker is fine");
        assertFalse(unknownNew.workerFault(), "404: the address is stale, the worker is fine");
        assertTrue(overloaded.workerFault(), "503");
        assertTrue(closing.workerFault(), "503");
        assertFalse(unreadable.workerFault(), "400: our frame was at fault");
        for (WorkerException rejection : List.of(unknownOld, unknownNew, overloaded, closing, unreadable)) {
            assertFalse(rejection.maybeDelivered());
        }
        assertEquals("w refused the call: Server overloaded: worker at capacity", overloaded.getMessage());
    }
}
