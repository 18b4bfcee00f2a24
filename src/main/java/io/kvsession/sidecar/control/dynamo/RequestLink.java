package io.kvsession.sidecar.control.dynamo;

import java.util.ArrayDeque;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * One connection to a worker's request plane, shared by all calls to that host:port. Requests are pipelined; the
 * worker acknowledges each one on the same connection, in the order it read them (upstream's {@code tcp_client.rs}
 * matches them the same way, FIFO). Touched only on the request plane's event loop.
 */
final class RequestLink {

    /** The connection ended before a request's acknowledgement came back. */
    static final class Broken extends RuntimeException {

        private final boolean sent;

        Broken(String message, boolean sent) {
            super(message, null, false, false);
            this.sent = sent;
        }

        /** Whether the request had reached the kernel's send buffer, so that the worker may have read it. */
        boolean sent() {
            return sent;
        }
    }

    private static final Logger LOG = Logger.getLogger(RequestLink.class);

    /** A request waiting for its acknowledgement. */
    private static final class Pending {
        final Promise<Buffer> ack = Promise.promise();
        boolean sent;
    }

    private final String peer;
    private final NetSocket socket;
    private final ArrayDeque<Pending> awaiting = new ArrayDeque<>();
    private boolean closed;

    RequestLink(String peer, NetSocket socket, Runnable onClosed) {
        this.peer = peer;
        this.socket = socket;
        socket.handler(Frames.acknowledgements(this::acknowledged, this::unreadable));
        socket.exceptionHandler(failure -> LOG.debugf("action=request_plane outcome=link_error peer=%s: %s", peer,
                failure.toString()));
        socket.closeHandler(ignored -> {
            closed = true;
            for (Pending pending = awaiting.poll(); pending != null; pending = awaiting.poll()) {
                pending.ack.tryFail(new Broken(peer + " closed the request connection before acknowledging the call",
                        pending.sent));
            }
            onClosed.run();
        });
    }

    /** Sends a request frame; the future carries its acknowledgement's bytes or fails with {@link Broken}. */
    Future<Buffer> send(Buffer frame) {
        if (closed) {
            return Future.failedFuture(new Broken("the request connection to " + peer + " is closed", false));
        }
        Pending pending = new Pending();
        awaiting.add(pending);
        socket.write(frame).onSuccess(written -> pending.sent = true);
        return pending.ack.future();
    }

    void close() {
        socket.close();
    }

    private void acknowledged(Buffer ack) {
        Pending pending = awaiting.poll();
        if (pending == null) {
            unreadable("an acknowledgement of " + ack.length() + " bytes that no request waits for");
            return;
        }
        pending.sent = true;
        pending.ack.tryComplete(ack);
    }

    /** The stream can no longer be matched to requests: drop it, which fails whatever still waits. */
    private void unreadable(String why) {
        LOG.warnf("action=request_plane outcome=protocol_violation peer=%s: %s; closing the connection", peer, why);
        socket.close();
    }
}
