package io.kvsession.sidecar.support.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kvsession.sidecar.support.EtcdServer;
import io.kvsession.sidecar.support.Eventually;

/**
 * Drives the replica as a Dynamo caller would, with raw sockets and frames written here from the protocol
 * description (not with the replica's own codec), against a real etcd.
 */
class ReplicaDynamoWorkerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WITHIN = Duration.ofSeconds(5);

    private static EtcdServer etcd;

    private ReplicaDynamoWorker worker;
    private Caller caller;

    @BeforeAll
    static void launchEtcd() {
        etcd = EtcdServer.launch();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @BeforeEach
    void launchWorker() throws IOException {
        worker = ReplicaDynamoWorker.registered(etcd.endpoint(), "ns" + UUID.randomUUID().toString().substring(0, 8),
                "backend");
        caller = new Caller(worker.port());
    }

    @AfterEach
    void stopWorker() throws IOException {
        caller.close();
        worker.close();
    }

    @Test
    void registersItsInstanceUnderItsLease() throws Exception {
        long lease = Long.parseUnsignedLong(worker.instanceId());
        String path = Long.toHexString(lease) + "/session_control";
        assertEquals(path, worker.path());
        assertEquals("127.0.0.1:" + worker.port() + "/" + path, worker.transport());
        assertEquals("tcp://" + worker.transport(), worker.url());
        assertTrue(worker.key().startsWith("v1/instances/ns"));
        assertTrue(worker.key().endsWith("/backend/session_control/" + Long.toHexString(lease)));

        JsonNode kv = etcdKey(worker.key());
        assertEquals(Long.toString(lease), kv.path("lease").asText());
        JsonNode value = JSON.readTree(Base64.getDecoder().decode(kv.path("value").asText()));
        assertEquals("Endpoint", value.path("type").asText());
        assertEquals("backend", value.path("component").asText());
        assertEquals("session_control", value.path("endpoint").asText());
        assertEquals(worker.key().split("/")[2], value.path("namespace").asText());
        assertEquals(lease, value.path("instance_id").asLong());
        assertEquals(worker.transport(), value.path("transport").path("tcp").asText());
    }

    @Test
    void aRevokedLeaseTakesTheKeyAndReRegisteringComesBackUnderANewId() throws Exception {
        String firstKey = worker.key();
        String firstPath = worker.path();
        worker.loseLease();
        assertNull(etcdKey(firstKey));

        worker.reRegister();
        assertNotEquals(firstKey, worker.key());
        assertEquals(worker.instanceId(), etcdKey(worker.key()).path("lease").asText());
        assertEquals("Unknown endpoint: " + firstPath, caller.call(firstPath, open("s1")).ack());
        Eventually.await(WITHIN, () -> "the refused request recorded", () -> worker.rpcs().size() == 1);
        assertEquals("Unknown endpoint: " + firstPath, worker.rpcs().get(0).ack());
        assertEquals(0, worker.opens("s1"));
    }

    @Test
    void keepAlivesHoldTheKeyUntilTheyStop() throws Exception {
        try (ReplicaDynamoWorker shortLived = ReplicaDynamoWorker.registered(etcd.endpoint(), "short", "backend",
                Duration.ofSeconds(2))) {
            // Only a lease that is kept alive outlives its TTL: wait it out once.
            Thread.sleep(3_000);
            assertNotNull(etcdKey(shortLived.key()), "kept alive past its TTL");
            shortLived.stopKeepAlives();
            Eventually.await(Duration.ofSeconds(8), () -> "key of a lease no longer kept alive",
                    () -> etcdKey(shortLived.key()) == null);
        }
    }

    @Test
    void opensDuplicatesAndClosesStreamTheUpstreamFrames() throws Exception {
        Call open = caller.call(worker.path(), open("s1"));
        assertEquals("", open.ack());
        try (Stream home = open.home()) {
            assertEquals(new Frame("{\"subject\":\"" + open.subject + "\",\"stream_type\":\"response\"}", ""),
                    home.next());
            assertEquals(new Frame("{\"error\":null}", ""), home.next());
            assertEquals(new Frame("", "{\"data\":{\"data\":{\"status\":\"ok\",\"session_id\":\"s1\"}},"
                    + "\"complete_final\":false}"), home.next());
            assertEquals(new Frame("", "{\"complete_final\":true}"), home.next());
            assertEquals(new Frame("\"sentinel\"", ""), home.next());
            home.finish();
            assertNull(home.next(), "the worker closes once the caller has");
        }
        assertEquals(Set.of("s1"), worker.sessions());

        assertEquals("{\"status\":\"ok\",\"session_id\":\"s1\",\"message\":\"Session already exists\"}",
                caller.answer(worker.path(), open("s1")));
        assertEquals("{\"status\":\"ok\",\"session_id\":\"s1\"}", caller.answer(worker.path(), close("s1")));
        assertEquals("{\"status\":\"ok\",\"session_id\":\"never\"}", caller.answer(worker.path(), close("never")));
        assertEquals(Set.of(), worker.sessions());
        assertEquals(2, worker.opens("s1"));
        assertEquals(1, worker.closes("s1"));
        DynamoRpc first = worker.rpcs().get(0);
        assertEquals("yes", first.headers().get("x-test"));
        assertEquals(open.id, first.control().path("id").asText());
        assertEquals(330, first.request().path("timeout").asInt());
    }

    @Test
    void answersBadRequestsAsTheSglangHandlerDoes() throws Exception {
        assertEquals("{\"status\":\"error\",\"message\":\"session_id required\"}",
                caller.answer(worker.path(), "{\"action\":\"open_session\"}"));
        assertEquals("{\"status\":\"error\",\"message\":\"Unknown action: rename_session\"}",
                caller.answer(worker.path(), "{\"action\":\"rename_session\",\"session_id\":\"s1\"}"));
        assertEquals("{\"status\":\"error\",\"message\":\"Unknown action: None\"}",
                caller.answer(worker.path(), "{\"session_id\":\"s1\"}"));
        assertEquals("{\"status\":\"ok\",\"session_id\":\"s2\"}", caller.answer(worker.path(),
                "{\"action\":\"open_session\",\"session_id\":\"s2\",\"timeout\":60,\"unknown\":{\"x\":1}}"));
    }

    @Test
    void acknowledgesPipelinedRequestsInOrderAndRefusesUnknownEndpoints() throws Exception {
        Call known = caller.call(worker.path(), open("a"));
        Call unknown = caller.call("0/session_control", open("b"));
        Call again = caller.call(worker.path(), open("c"));
        assertEquals("", known.ack());
        assertEquals("Unknown endpoint: 0/session_control", unknown.ack());
        assertEquals("", again.ack());
        known.home().close();
        again.home().close();
        Eventually.await(WITHIN, () -> "opens of a and c: " + worker.sessions(),
                () -> worker.sessions().equals(Set.of("a", "c")));
    }

    @Test
    void aBadPathLengthGetsALastReadErrorAndTheConnectionCloses() throws Exception {
        caller.out.write(new byte[] {0, 1, (byte) 0xFF, 0, 0, 0, 0, 0, 0});
        assertEquals("Invalid endpoint path", caller.readAck());
        assertEquals("", caller.call(worker.path(), open("s1")).ack(), "the connection carries on");
        caller.out.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
        caller.out.flush();
        assertEquals("Read error: invalid endpoint path length: 0", caller.readAck());
        assertThrows(EOFException.class, caller::readAck);
    }

    @Test
    void dropsWithoutCallHomeWhatItCannotDecode() throws Exception {
        Call mismatched = caller.call(worker.path(), open("s1"), "other-context");
        assertEquals("", mismatched.ack());
        assertThrows(SocketTimeoutException.class, mismatched::home);
        assertEquals(1, worker.rpcs().size());
        assertEquals(Set.of(), worker.sessions());
    }

    @Test
    void switchesShapeTheAnswer() throws Exception {
        worker.rejectOpens("out of capacity");
        assertEquals("{\"status\":\"error\",\"message\":\"out of capacity\"}",
                caller.answer(worker.path(), open("s1")));
        worker.reset().sessionAlreadyExists(true);
        assertEquals("{\"status\":\"ok\",\"session_id\":\"s1\",\"message\":\"Session already exists\"}",
                caller.answer(worker.path(), open("s1")));
        worker.reset().errorItem("RuntimeError: boom");
        assertEquals("{\"event\":\"error\",\"error\":{\"error_type\":{\"Backend\":\"Unknown\"},"
                + "\"message\":\"RuntimeError: boom\"}}", caller.item(worker.path(), open("s1")));
        worker.legacyErrorItem("boom");
        assertEquals("{\"event\":\"error\",\"comment\":[\"boom\"]}", caller.item(worker.path(), open("s1")));
        assertEquals(Set.of(), worker.sessions(), "a raising handler opens nothing");
    }

    @Test
    void aPrologueErrorIsFollowedByTheSentinel() throws Exception {
        worker.prologueError("Generate Error: engine dead");
        try (Stream home = caller.call(worker.path(), open("s1")).acked().home()) {
            home.next();
            assertEquals(new Frame("{\"error\":\"Generate Error: engine dead\"}", ""), home.next());
            assertEquals(new Frame("\"sentinel\"", ""), home.next());
        }
    }

    @Test
    void callHomeCanBeCutShort() throws Exception {
        worker.callHome(CallHome.NO_PROLOGUE);
        try (Stream home = caller.call(worker.path(), open("s1")).acked().home()) {
            assertTrue(home.next().header().contains("\"stream_type\":\"response\""));
            assertNull(home.next());
        }
        worker.callHome(CallHome.DROP_AFTER_PROLOGUE);
        try (Stream home = caller.call(worker.path(), open("s2")).acked().home()) {
            home.next();
            assertEquals(new Frame("{\"error\":null}", ""), home.next());
            assertNull(home.next());
        }
        assertEquals(Set.of("s2"), worker.sessions(), "the handler ran though its answer was lost");
        worker.callHome(CallHome.DROP_AFTER_ITEM);
        try (Stream home = caller.call(worker.path(), open("s3")).acked().home()) {
            home.next();
            home.next();
            assertTrue(home.next().data().contains("\"complete_final\":false"));
            assertNull(home.next());
        }
        worker.callHome(CallHome.NEVER);
        Call never = caller.call(worker.path(), open("s4")).acked();
        assertThrows(SocketTimeoutException.class, never::home);
        assertEquals(1, worker.opens("s4"));
        assertEquals(Set.of("s2", "s3"), worker.sessions());
    }

    @Test
    void aSlowHandlerDelaysTheItemAndStopEndsTheStreamWithoutSentinel() throws Exception {
        worker.answerDelay(Duration.ofMillis(400));
        long started = System.nanoTime();
        assertEquals("{\"status\":\"ok\",\"session_id\":\"s1\"}", caller.answer(worker.path(), open("s1")));
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(400).toNanos());

        try (Stream home = caller.call(worker.path(), open("s2")).acked().home()) {
            home.next();
            home.next();
            home.send("\"stop\"");
            home.finish();
            assertNull(home.next(), "no item, complete_final or sentinel after stop");
        }
    }

    @Test
    void ackErrorsStopAndStart() throws Exception {
        worker.ackError("Server overloaded: try later");
        assertEquals("Server overloaded: try later", caller.call(worker.path(), open("s1")).ack());
        worker.ackError(null).stop();
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), worker.port()));
        worker.start();
        try (Caller again = new Caller(worker.port())) {
            assertEquals("{\"status\":\"ok\",\"session_id\":\"s1\"}", again.answer(worker.path(), open("s1")));
        }
    }

    @Test
    void servesWithoutEtcd() throws Exception {
        try (ReplicaDynamoWorker unregistered = ReplicaDynamoWorker.unregistered("ns", "backend");
                Caller direct = new Caller(unregistered.port())) {
            assertTrue(Long.parseUnsignedLong(unregistered.instanceId()) > 0);
            assertEquals("{\"status\":\"ok\",\"session_id\":\"s1\"}", direct.answer(unregistered.path(), open("s1")));
            assertThrows(IllegalStateException.class, unregistered::loseLease);
        }
    }

    private static String open(String sessionId) {
        return "{\"action\":\"open_session\",\"session_id\":\"" + sessionId
                + "\",\"timeout\":330,\"capacity_of_str_len\":65536}";
    }

    private static String close(String sessionId) {
        return "{\"action\":\"close_session\",\"session_id\":\"" + sessionId + "\"}";
    }

    /** The key's KeyValue from etcd's JSON gateway, or null when it does not exist. */
    private static JsonNode etcdKey(String key) {
        String body = "{\"key\":\"" + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)) + "\"}";
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v3/kv/range"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode kvs = JSON.readTree(answer.body()).path("kvs");
            return kvs.isArray() && kvs.size() > 0 ? kvs.get(0) : null;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("etcd range failed", e);
        }
    }

    record Frame(String header, String data) {
    }

    /**
     * A minimal Dynamo caller: one pipelined request connection and one listener for call-homes. Request frame:
     * u16 path length, path, u16 headers length, headers JSON, u32 payload length, payload; payload: u64 header
     * length, u64 body length, u64 checksum, control message, body; ACK: u32 length, text.
     */
    private static final class Caller implements AutoCloseable {

        private final Socket requests;
        private final DataInputStream acks;
        private final DataOutputStream out;
        private final ServerSocket callHomes = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());

        Caller(int port) throws IOException {
            requests = new Socket(InetAddress.getLoopbackAddress(), port);
            acks = new DataInputStream(new BufferedInputStream(requests.getInputStream()));
            out = new DataOutputStream(requests.getOutputStream());
            callHomes.setSoTimeout(1_000);
        }

        Call call(String path, String body) throws IOException {
            return call(path, body, null);
        }

        /** Sends one request; the call-home context is the request id unless given. */
        Call call(String path, String body, String context) throws IOException {
            String id = UUID.randomUUID().toString();
            String subject = UUID.randomUUID().toString();
            String info = JSON.createObjectNode().put("address", "127.0.0.1:" + callHomes.getLocalPort())
                    .put("subject", subject).put("context", context == null ? id : context)
                    .put("stream_type", "response").toString();
            var control = JSON.createObjectNode().put("id", id).put("request_type", "single_in")
                    .put("response_type", "many_out").put("payload_codec", "json")
                    .put("frontend_send_ts_ns", System.currentTimeMillis() * 1_000_000).put("added_later", true);
            control.putObject("connection_info").put("transport", "tcp_server").put("info", info);
            byte[] header = control.toString().getBytes(StandardCharsets.UTF_8);
            byte[] data = body.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            DataOutputStream parts = new DataOutputStream(payload);
            parts.writeLong(header.length);
            parts.writeLong(data.length);
            parts.writeLong(0);
            parts.write(header);
            parts.write(data);
            byte[] pathBytes = path.getBytes(StandardCharsets.UTF_8);
            byte[] headers = ("{\"x-test\":\"yes\",\"x-endpoint-path\":\"" + path + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            out.writeShort(pathBytes.length);
            out.write(pathBytes);
            out.writeShort(headers.length);
            out.write(headers);
            out.writeInt(payload.size());
            out.write(payload.toByteArray());
            out.flush();
            return new Call(this, id, subject);
        }

        String readAck() throws IOException {
            byte[] text = new byte[acks.readInt()];
            acks.readFully(text);
            return new String(text, StandardCharsets.UTF_8);
        }

        /** Sends a request and returns the result dict inside its one item. */
        String answer(String path, String body) throws IOException {
            String item = item(path, body);
            return JSON.readTree(item).path("data").toString();
        }

        /** Sends a request and returns its one Annotated item, checking the stream around it. */
        String item(String path, String body) throws IOException {
            try (Stream home = call(path, body).acked().home()) {
                home.next();
                assertEquals(new Frame("{\"error\":null}", ""), home.next());
                JsonNode wrapper = JSON.readTree(home.next().data());
                assertEquals(false, wrapper.path("complete_final").asBoolean(true));
                assertEquals(new Frame("", "{\"complete_final\":true}"), home.next());
                assertEquals(new Frame("\"sentinel\"", ""), home.next());
                return wrapper.path("data").toString();
            }
        }

        @Override
        public void close() throws IOException {
            requests.close();
            callHomes.close();
        }
    }

    private static final class Call {

        private final Caller caller;
        private final String id;
        private final String subject;

        Call(Caller caller, String id, String subject) {
            this.caller = caller;
            this.id = id;
            this.subject = subject;
        }

        String ack() throws IOException {
            return caller.readAck();
        }

        Call acked() throws IOException {
            assertEquals("", ack());
            return this;
        }

        /** Accepts the worker's call-home within a second. */
        Stream home() throws IOException {
            Socket socket = caller.callHomes.accept();
            socket.setSoTimeout(5_000);
            return new Stream(socket);
        }
    }

    private static final class Stream implements AutoCloseable {

        private final Socket socket;
        private final DataInputStream in;

        Stream(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        }

        /** The next two-part message, or null when the worker closed the stream. */
        Frame next() throws IOException {
            long headerLength;
            try {
                headerLength = in.readLong();
            } catch (EOFException closed) {
                return null;
            }
            long dataLength = in.readLong();
            assertEquals(0, in.readLong(), "release builds send checksum 0");
            byte[] header = new byte[(int) headerLength];
            byte[] data = new byte[(int) dataLength];
            in.readFully(header);
            in.readFully(data);
            return new Frame(new String(header, StandardCharsets.UTF_8), new String(data, StandardCharsets.UTF_8));
        }

        /** A header-only control message, such as "stop". */
        void send(String header) throws IOException {
            byte[] bytes = header.getBytes(StandardCharsets.UTF_8);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeLong(bytes.length);
            out.writeLong(0);
            out.writeLong(0);
            out.write(bytes);
            out.flush();
        }

        /** Shuts the caller's side down, as the caller does after the sentinel. */
        void finish() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
