package io.kvsession.sidecar.support.dynamo;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker's TCP request-plane listener ({@code ingress/shared_tcp_endpoint.rs}): any number of pipelined
 * requests per connection, each answered by one acknowledgement in arrival order, written before the request is
 * handled. A framing error gets a last {@code "Read error: ..."} acknowledgement and closes the connection; an
 * undecodable path or an unknown endpoint gets its error text and the connection carries on.
 */
final class RequestPlaneServer {

    /** What the worker does with a request the listener has read. */
    interface Endpoint {

        /** The acknowledgement text: empty to accept, else the error. */
        String acknowledgement(RequestFrame frame);

        /** Takes the request once its acknowledgement is on the wire (handling it when that was empty). */
        void acknowledged(RequestFrame frame, String ack);
    }

    private final Endpoint endpoint;
    private final ExecutorService threads;
    private final Set<Socket> open;
    private ServerSocket listener;
    private CountDownLatch accepting;
    private int port;

    RequestPlaneServer(Endpoint endpoint, ExecutorService threads, Set<Socket> open) {
        this.endpoint = endpoint;
        this.threads = threads;
        this.open = open;
    }

    /** Listens on 127.0.0.1, on the port it had before when it ran already, else on an ephemeral one. */
    synchronized int start() {
        if (listener != null) {
            return port;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            listener = socket;
            port = socket.getLocalPort();
            CountDownLatch done = new CountDownLatch(1);
            accepting = done;
            threads.execute(() -> {
                try {
                    acceptLoop(socket);
                } finally {
                    done.countDown();
                }
            });
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException("replica dynamo worker cannot listen on port " + port, e);
        }
    }

    /** Closes the listener and every connection: callers see resets, then refused connections. */
    synchronized void stop() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        listener = null;
        open.forEach(RequestPlaneServer::closeQuietly);
        try {
            // The JDK defers the real close of a socket another thread is accepting on until that accept returns;
            // until then the kernel still completes handshakes, so "refused" holds only once the loop has ended.
            accepting.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connection.setTcpNoDelay(true);
                open.add(connection);
                threads.execute(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(connection.getInputStream()));
            OutputStream out = connection.getOutputStream();
            while (true) {
                RequestFrame frame;
                try {
                    frame = RequestFrame.read(in);
                } catch (RequestFrame.Unreadable e) {
                    out.write(RequestFrame.acknowledgement(e.getMessage()));
                    return;
                }
                if (frame == null) {
                    return;
                }
                String ack = frame.path() == null ? "Invalid endpoint path" : endpoint.acknowledgement(frame);
                out.write(RequestFrame.acknowledgement(ack));
                out.flush();
                endpoint.acknowledged(frame, ack);
            }
        } catch (IOException dropped) {
            // The caller went away, or stop() closed the connection under the reader.
        } finally {
            open.remove(connection);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception alreadyClosed) {
            // Nothing left to release.
        }
    }
}
