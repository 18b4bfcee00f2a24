package io.kvsession.sidecar.control.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.control.WorkerException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The client end to end against a scripted worker that follows upstream's request plane. */
class RequestPlaneClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonObject OPEN = new JsonObject().put("action", "open_session").put("session_id", "s1")
            .put("timeout", 330).put("capacity_of_str_len", 65536);

    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private Vertx vertx;
    private RequestPlaneClient client;
    private ScriptedWorker worker;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = new RequestPlaneClient(vertx, "127.0.0.1", 0, Duration.ofMillis(400), 16 * 1024);
    }

    @AfterEach
    void stop() throws IOException {
        if (worker != null) {
            worker.close();
        }
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void itemsComeBackInOrderFromACallThatFollowsTheProtocol() throws Exception {
        worker = new ScriptedWorker((request, answer) -> {
            answer.dial().handshake().prologue(null);
            for (int n = 1; n <= 3; n++) {
                answer.item(new JsonObject().put("data", new JsonObject().put("n", n)));
            }
            answer.completeFinal().sentinel();
            seen.add(answer.awaitControl(WAIT));
        });

        List<JsonObject> items = call(OPEN, WAIT).await().atMost(WAIT);

        assertEquals(List.of(1, 2, 3), items.stream().map(item -> item.getJsonObject("data").getInteger("n")).toList());
        assertEquals("EOF", seen.poll(5, TimeUnit.SECONDS), "after the sentinel the client closes its side");
        ScriptedWorker.Request request = worker.requests.get(0);
        assertEquals(ScriptedWorker.PATH, request.path());
        assertEquals(ScriptedWorker.PATH, request.headers().getString("x-endpoint-path"));
        assertEquals(request.control().getString("id"), request.headers().getString("request-id"));
        assertEquals("json", request.control().getString("payload_codec"));
        assertEquals(request.control().getString("id"), request.info().getString("context"));
        assertEquals(client.callHomeAddress().result(), request.info().getString("address"));
        assertEquals(OPEN, request.body());
    }

    @Test
    void framesSplitIntoSingleBytesOrCoalescedIntoOneWriteReadTheSame() throws Exception {
        worker = new ScriptedWorker((request, answer) -> {
            answer.dial();
            byte[] everything = concat(
                    ScriptedWorker.bytes(new JsonObject().put("subject", request.info().getString("subject"))
                            .put("stream_type", "response").encode(), ""),
                    ScriptedWorker.bytes("{\"error\":null}", ""),
                    ScriptedWorker.bytes("", "{\"data\":{\"data\":{\"status\":\"ok\"}},\"complete_final\":false}"),
                    ScriptedWorker.bytes("", "{\"complete_final\":true}"),
                    ScriptedWorker.bytes("\"sentinel\"", ""));
            if (request.body().getBoolean("bytewise")) {
                answer.bytewise();
            }
            answer.raw(everything);
            answer.awaitControl(WAIT);
        });
        JsonObject ok = new JsonObject().put("data", new JsonObject().put("status", "ok"));

        assertEquals(List.of(ok), call(new JsonObject().put("bytewise", true), WAIT).await().atMost(WAIT));
        assertEquals(List.of(ok), call(new JsonObject().put("bytewise", false), WAIT).await().atMost(WAIT));
    }

    @Test
    void concurrentCallsSharePipelinedConnectionAndGetTheirOwnAcknowledgements() throws Exception {
        worker = new ScriptedWorker(new ScriptedWorker.Script() {
            @Override
            public String acknowledge(ScriptedWorker.Request request) {
                int n = request.body().getInteger("n");
                return n % 2 == 1 ? "Server overloaded: busy with " + n : "";
            }

            @Override
            public void answer(ScriptedWorker.Request request, ScriptedWorker.Answer answer) throws Exception {
                answer.dial().handshake().prologue(null)
                        .item(new JsonObject().put("data", new JsonObject().put("n", request.body().getInteger("n"))))
                        .completeFinal().sentinel();
                answer.awaitControl(WAIT);
            }
        });

        List<Uni<List<JsonObject>>> calls = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            calls.add(call(new JsonObject().put("n", n), WAIT).memoize().indefinitely());
        }
        calls.forEach(uni -> uni.subscribe().with(ignored -> { }, ignored -> { }));

        for (int n = 0; n < 10; n++) {
            Uni<List<JsonObject>> call = calls.get(n);
            if (n % 2 == 1) {
                WorkerException rejected = assertThrows(WorkerException.class, () -> call.await().atMost(WAIT));
                assertTrue(rejected.getMessage().endsWith("Server overloaded: busy with " + n), rejected.getMessage());
                assertEquals(Failure.WORKER_REJECTED, rejected.failure());
            } else {
                assertEquals(n, call.await().atMost(WAIT).get(0).getJsonObject("data").getInteger("n"));
            }
        }
        assertEquals(1, worker.requestConnections(), "one pipelined connection per worker");
    }

    @Test
    void refusingAcknowledgementsAreRejections() throws Exception {
        worker = new ScriptedWorker(new ScriptedWorker.Script() {
            @Override
            public String acknowledge(ScriptedWorker.Request request) {
                return request.body().getString("ack");
            }

            @Override
            public void answer(ScriptedWorker.Request request, ScriptedWorker.Answer answer) {
            }
        });

        WorkerException unknown = failure(new JsonObject().put("ack", "Unknown endpoint: " + ScriptedWorker.PATH));
        WorkerException unknownNewer = failure(new JsonObject().put("ack",
                "Server unavailable: unknown endpoint " + ScriptedWorker.PATH));
        WorkerException overloaded = failure(new JsonObject().put("ack", "Server overloaded: worker at capacity"));

        for (WorkerException rejected : List.of(unknown, unknownNewer, overloaded)) {
            assertEquals(Failure.WORKER_REJECTED, rejected.failure());
            assertFalse(rejected.maybeDelivered());
        }
        assertFalse(unknown.workerFault());
        assertFalse(unknownNewer.workerFault());
        assertTrue(overloaded.workerFault());
        assertTrue(unknown.getMessage().contains("Unknown endpoint: " + ScriptedWorker.PATH), unknown.getMessage());
    }

    @Test
    void aRefusedConnectionIsUnreachableAndTheRequestNeverLeft() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }

        WorkerException unreachable = assertThrows(WorkerException.class, () -> client.call(
                "tcp://127.0.0.1:" + closedPort + "/x/session_control", OPEN, WAIT).await().atMost(WAIT));

        assertEquals(Failure.WORKER_UNAVAILABLE, unreachable.failure());
        assertFalse(unreachable.maybeDelivered());
    }

    @Test
    void aRequestConnectionDroppedAfterTheRequestLosesTheAnswerAndTheNextCallRedials() throws Exception {
        worker = new ScriptedWorker(new ScriptedWorker.Script() {
            @Override
            public String acknowledge(ScriptedWorker.Request request) {
                return request.body().getBoolean("drop") ? null : "";
            }

            @Override
            public void answer(ScriptedWorker.Request request, ScriptedWorker.Answer answer) throws Exception {
                answer.dial().handshake().prologue(null).completeFinal().sentinel();
                answer.awaitControl(WAIT);
            }
        });

        WorkerException lost = failure(new JsonObject().put("drop", true));

        assertEquals(Failure.WORKER_UNAVAILABLE, lost.failure());
        assertTrue(lost.maybeDelivered(), "the worker read the request before it hung up");
        assertEquals(List.of(), call(new JsonObject().put("drop", false), WAIT).await().atMost(WAIT));
        assertEquals(2, worker.requestConnections());
    }

    @Test
    void aCallHomeDroppedMidStreamLosesTheAnswer() throws Exception {
        worker = new ScriptedWorker((request, answer) -> answer.dial().handshake().prologue(null)
                .item(new JsonObject().put("data", new JsonObject())));

        WorkerException lost = failure(OPEN);

        assertEquals(Failure.WORKER_UNAVAILABLE, lost.failure());
        assertTrue(lost.maybeDelivered());
        assertTrue(lost.getMessage().contains("dropped the call-home connection"), lost.getMessage());
    }

    @Test
    void anErrorPrologueIsARejectionByTheWorker() throws Exception {
        worker = new ScriptedWorker((request, answer) -> {
            answer.dial().handshake().prologue("Generate Error: engine is down");
            answer.awaitControl(WAIT);
        });

        WorkerException rejected = failure(OPEN);

        assertEquals(Failure.WORKER_REJECTED, rejected.failure());
        assertTrue(rejected.workerFault());
        assertTrue(rejected.getMessage().endsWith("Generate Error: engine is down"), rejected.getMessage());
    }

    @Test
    void anUnreadableFrameLosesTheAnswerAndKillsTheStream() throws Exception {
        worker = new ScriptedWorker((request, answer) -> {
            answer.dial().handshake().prologue(null).frame("", "{not json");
            seen.add(answer.awaitControl(WAIT));
        });

        WorkerException lost = failure(OPEN);

        assertEquals(Failure.WORKER_UNAVAILABLE, lost.failure());
        assertTrue(lost.getMessage().contains("broke the request-plane protocol"), lost.getMessage());
        assertEquals("\"kill\"", seen.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aWorkerThatAcceptsButNeverCallsBackTimesOutAfterTheHandshakeTimeout() throws Exception {
        worker = new ScriptedWorker((request, answer) -> { });

        long started = System.nanoTime();
        WorkerException timedOut = failure(OPEN);

        assertEquals(Failure.WORKER_TIMEOUT, timedOut.failure());
        assertTrue(timedOut.getMessage().contains("did not call back within 400 ms"), timedOut.getMessage());
        assertTrue(System.nanoTime() - started < WAIT.toNanos() / 2, "bounded by the handshake, not the deadline");
    }

    @Test
    void connectionsThatDoNotIdentifyThemselvesAreClosed() throws Exception {
        String[] address = client.callHomeAddress().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)
                .split(":");
        try (Socket silent = new Socket(address[0], Integer.parseInt(address[1]));
                Socket stranger = new Socket(address[0], Integer.parseInt(address[1]))) {
            stranger.getOutputStream().write(ScriptedWorker.bytes(
                    "{\"subject\":\"nobody-waits-for-this\",\"stream_type\":\"response\"}", ""));
            silent.setSoTimeout(5_000);
            stranger.setSoTimeout(5_000);

            assertEquals(-1, new DataInputStream(stranger.getInputStream()).read(), "unknown subject: closed");
            assertEquals(-1, new DataInputStream(silent.getInputStream()).read(), "no handshake in 400 ms: closed");
        }
    }

    @Test
    void theDeadlineTimesTheCallOutAndStopsTheWorker() throws Exception {
        worker = new ScriptedWorker((request, answer) -> {
            answer.dial().handshake().prologue(null).item(new JsonObject().put("data", new JsonObject()));
            seen.add(answer.awaitControl(WAIT));
        });

        WorkerException timedOut = assertThrows(WorkerException.class,
                () -> call(OPEN, Duration.ofMillis(600)).await().atMost(WAIT));

        assertEquals(Failure.WORKER_TIMEOUT, timedOut.failure());
        assertTrue(timedOut.maybeDelivered());
        assertTrue(timedOut.getMessage().contains("did not finish answering within 600 ms"), timedOut.getMessage());
        assertEquals("\"stop\"", seen.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aCancelledCallStopsTheWorker() throws Exception {
        CountDownLatch answering = new CountDownLatch(1);
        worker = new ScriptedWorker((request, answer) -> {
            answer.dial().handshake().prologue(null).item(new JsonObject().put("data", new JsonObject()));
            answering.countDown();
            seen.add(answer.awaitControl(WAIT));
        });

        Cancellable subscription = call(OPEN, WAIT).subscribe().with(items -> seen.add("ITEMS"),
                failure -> seen.add("FAILED"));
        assertTrue(answering.await(5, TimeUnit.SECONDS));
        // Give the client a moment to read the frames, so that the cancel meets an attached stream.
        Thread.sleep(300);
        subscription.cancel();

        assertEquals("\"stop\"", seen.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void anUnparsableAddressIsUnreachable() {
        WorkerException unreachable = assertThrows(WorkerException.class,
                () -> client.call("10.0.0.7:41233", OPEN, WAIT).await().atMost(WAIT));

        assertEquals(Failure.WORKER_UNAVAILABLE, unreachable.failure());
        assertTrue(unreachable.getMessage().contains("no endpoint path"), unreachable.getMessage());
    }

    private Uni<List<JsonObject>> call(JsonObject request, Duration deadline) {
        return client.call(worker.transport(), request, deadline);
    }

    private WorkerException failure(JsonObject request) {
        return assertThrows(WorkerException.class, () -> call(request, WAIT).await().atMost(WAIT));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
