package io.kvsession.sidecar.control.dynamo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import io.kvsession.sidecar.control.WorkerException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;

/**
 * One call on the request plane, from connect to the worker's last frame, ending in exactly one outcome. The
 * response stream follows upstream's {@code tcp/server.rs}: prologue, data frames up to {@code complete_final}, then
 * the sentinel, after which we close our side. Touched only on the request plane's event loop.
 */
final class Call {

    private enum Phase { CONNECTING, AWAITING_ACK, AWAITING_CALL_HOME, STREAMING, DONE }

    private final Vertx vertx;
    private final Transport transport;
    private final long handshakeMillis;
    private final long maxAnswerBytes;
    private final Consumer<String> forgetSubject;
    private final String id = UUID.randomUUID().toString();
    private final String subject = UUID.randomUUID().toString();
    private final Promise<List<JsonObject>> result = Promise.promise();
    private final List<JsonObject> items = new ArrayList<>();
    private Phase phase = Phase.CONNECTING;
    private NetSocket callHome;
    private boolean prologueSeen;
    private long answerBytes;
    private long deadlineTimer = -1;
    private long handshakeTimer = -1;
    private long lingerTimer = -1;

    /** Pure: may be built on any thread; everything else runs on the request plane's event loop. */
    Call(Vertx vertx, Transport transport, long handshakeMillis, long maxAnswerBytes, Consumer<String> forgetSubject) {
        this.vertx = vertx;
        this.transport = transport;
        this.handshakeMillis = handshakeMillis;
        this.maxAnswerBytes = maxAnswerBytes;
        this.forgetSubject = forgetSubject;
    }

    String id() {
        return id;
    }

    String subject() {
        return subject;
    }

    Future<List<JsonObject>> result() {
        return result.future();
    }

    boolean done() {
        return phase == Phase.DONE;
    }

    void start(long deadlineMillis) {
        deadlineTimer = vertx.setTimer(Math.max(1, deadlineMillis), timer -> expire(deadlineMillis));
    }

    void sending() {
        phase = Phase.AWAITING_ACK;
    }

    void acknowledged(Buffer ack) {
        if (done()) {
            return;
        }
        Optional<WorkerException> rejection = Acknowledgements.rejection(worker(), ack);
        if (rejection.isPresent()) {
            fail(rejection.get());
            closeCallHome();
        } else if (phase == Phase.AWAITING_ACK) {
            phase = Phase.AWAITING_CALL_HOME;
            handshakeTimer = vertx.setTimer(Math.max(1, handshakeMillis), timer -> fail(WorkerException.timedOut(
                    worker() + " accepted the call but did not call back within " + handshakeMillis + " ms")));
        }
    }

    /** The acknowledgement never came; once the answer stream is open it no longer matters. */
    void acknowledgementLost(Throwable cause) {
        if (done() || phase == Phase.STREAMING) {
            return;
        }
        if (cause instanceof RequestLink.Broken broken && !broken.sent()) {
            fail(WorkerException.unreachable(worker() + " is unreachable: " + broken.getMessage()));
        } else {
            fail(WorkerException.lostAnswer(worker() + " dropped the connection after the call was sent: "
                    + describe(cause)));
        }
    }

    /** The worker called back and named this call's subject. */
    void attached(NetSocket socket) {
        callHome = socket;
        cancelTimer(handshakeTimer);
        phase = Phase.STREAMING;
    }

    /** One two-part message from the call-home connection, after the handshake. */
    void frame(Buffer header, Buffer body) {
        if (done()) {
            // After the outcome only the end of the stream matters: close once the worker is through.
            if (header.length() > 0) {
                closeCallHome();
            }
            return;
        }
        answerBytes += header.length() + body.length();
        if (answerBytes > maxAnswerBytes) {
            // A worker that streams without end would fill the heap: cut it off, a fault of the worker.
            fail(WorkerException.garbled(worker() + " answered with more than " + maxAnswerBytes
                    + " bytes (kvsession.rpc.max-answer-size); cut off"));
            if (callHome != null) {
                callHome.write(Frames.control("kill"));
            }
            closeCallHome();
            return;
        }
        try {
            if (!prologueSeen) {
                prologueSeen = true;
                Optional<String> error = Messages.prologueError(header, body);
                if (error.isPresent()) {
                    // The worker's handler failed before answering: a fault of the worker, seen by its breaker.
                    fail(WorkerException.garbled(worker() + " failed to handle the call: " + error.get()));
                    closeCallHome();
                }
                return;
            }
            if (header.length() > 0 && Messages.isSentinel(header)) {
                if (body.length() > 0) {
                    throw new Messages.Malformed("a sentinel that carries data");
                }
                fail(WorkerException.lostAnswer(worker() + " ended its answer without the final frame"));
                closeCallHome();
                return;
            }
            Messages.Data data = Messages.data(body);
            if (data.item() != null) {
                items.add(data.item());
            }
            if (data.completeFinal()) {
                succeed();
            }
        } catch (Messages.Malformed malformed) {
            unreadable(malformed.getMessage());
        }
    }

    /** The call-home stream cannot be framed or parsed: give up on it and tell the worker to stop hard. */
    void unreadable(String why) {
        fail(WorkerException.lostAnswer(worker() + " broke the request-plane protocol: " + why));
        if (callHome != null) {
            callHome.write(Frames.control("kill"));
        }
        closeCallHome();
    }

    void callHomeClosed() {
        callHome = null;
        cancelTimer(lingerTimer);
        fail(WorkerException.lostAnswer(worker() + " dropped the call-home connection before its final frame"));
    }

    /** The caller lost interest: release the subject and ask the worker to stop, as upstream does on cancel. */
    void cancel() {
        if (done()) {
            return;
        }
        finish();
        result.tryFail(new IllegalStateException("call " + id + " cancelled"));
        stopWorker();
    }

    private void expire(long deadlineMillis) {
        String within = " within " + deadlineMillis + " ms";
        switch (phase) {
            case CONNECTING -> fail(WorkerException.unreachable(worker() + " could not be connected to" + within));
            case AWAITING_ACK -> fail(WorkerException.timedOut(worker() + " did not acknowledge the call" + within));
            case AWAITING_CALL_HOME -> fail(WorkerException.timedOut(worker() + " did not call back" + within));
            case STREAMING -> {
                fail(WorkerException.timedOut(worker() + " did not finish answering" + within));
                stopWorker();
            }
            case DONE -> {
            }
        }
    }

    private void succeed() {
        if (done()) {
            return;
        }
        finish();
        result.tryComplete(List.copyOf(items));
        // Wait briefly for the sentinel so that the worker sees its stream end cleanly, not a reset.
        linger();
    }

    void fail(WorkerException failure) {
        if (done()) {
            return;
        }
        finish();
        result.tryFail(failure);
    }

    private void finish() {
        phase = Phase.DONE;
        cancelTimer(deadlineTimer);
        cancelTimer(handshakeTimer);
        forgetSubject.accept(subject);
    }

    /** Sends {@code "stop"}, then keeps reading until the worker closes, as upstream's caller does, or lingers out. */
    private void stopWorker() {
        if (callHome != null) {
            callHome.write(Frames.control("stop"));
            linger();
        }
    }

    private void linger() {
        if (callHome != null && lingerTimer < 0) {
            lingerTimer = vertx.setTimer(Math.max(1, handshakeMillis), timer -> closeCallHome());
        }
    }

    private void closeCallHome() {
        cancelTimer(lingerTimer);
        if (callHome != null) {
            callHome.close();
        }
    }

    private void cancelTimer(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private String worker() {
        return "worker at " + transport;
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
