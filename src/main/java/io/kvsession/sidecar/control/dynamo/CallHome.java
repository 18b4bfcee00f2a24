package io.kvsession.sidecar.control.dynamo;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * The listener workers call back to with their answers (upstream's {@code TcpStreamServer}, {@code tcp/server.rs}).
 * A call registers its subject before the request leaves; a worker opens a connection, names the subject in a
 * header-only handshake, and the connection then belongs to that call. A connection that does not identify itself in
 * time, or names a subject nobody waits for (any more), is closed. Touched only on the request plane's event loop.
 */
final class CallHome {

    private static final Logger LOG = Logger.getLogger(CallHome.class);

    private final Vertx vertx;
    private final long handshakeMillis;
    private final long maxAnswerBytes;
    private final Map<String, Call> expected = new HashMap<>();
    private NetServer server;

    /** @param maxAnswerBytes the most a worker may send for one call; a longer frame ends the call */
    CallHome(Vertx vertx, long handshakeMillis, long maxAnswerBytes) {
        this.vertx = vertx;
        this.handshakeMillis = handshakeMillis;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    /** Binds {@code host:port} and yields the address to advertise, {@code host:port} with the actual port. */
    Future<String> listen(String host, int port) {
        server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true));
        server.connectHandler(Inbound::new);
        return server.listen().map(bound -> (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.actualPort());
    }

    void expect(Call call) {
        expected.put(call.subject(), call);
    }

    void forget(String subject) {
        expected.remove(subject);
    }

    Future<Void> close() {
        expected.clear();
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** One accepted connection: unidentified until its handshake, then routed to its call. */
    private final class Inbound {

        private final NetSocket socket;
        private final FrameReader reader;
        private final long handshakeTimer;
        private Call call;

        Inbound(NetSocket socket) {
            this.socket = socket;
            this.reader = Frames.twoPartMessages(this::message, this::unreadable, maxAnswerBytes);
            this.handshakeTimer = vertx.setTimer(Math.max(1, handshakeMillis), timer -> {
                LOG.debugf("action=call_home outcome=no_handshake peer=%s within_ms=%d", socket.remoteAddress(),
                        handshakeMillis);
                socket.close();
            });
            socket.handler(reader);
            socket.exceptionHandler(failure -> LOG.debugf("action=call_home outcome=connection_error peer=%s: %s",
                    socket.remoteAddress(), failure.toString()));
            socket.closeHandler(closed -> {
                vertx.cancelTimer(handshakeTimer);
                if (call != null) {
                    call.callHomeClosed();
                }
            });
        }

        private void message(Buffer header, Buffer body) {
            if (call != null) {
                call.frame(header, body);
                return;
            }
            vertx.cancelTimer(handshakeTimer);
            Optional<String> subject = Messages.handshakeSubject(header, body);
            Call waiting = subject.map(expected::remove).orElse(null);
            if (waiting == null) {
                LOG.debugf("action=call_home outcome=%s peer=%s subject=%s", subject.isEmpty() ? "not_a_handshake"
                        : "unknown_subject", socket.remoteAddress(), subject.orElse("-"));
                reader.stop();
                socket.close();
                return;
            }
            call = waiting;
            call.attached(socket);
        }

        private void unreadable(String why) {
            if (call != null) {
                call.unreadable(why);
            } else {
                socket.close();
            }
        }
    }
}
