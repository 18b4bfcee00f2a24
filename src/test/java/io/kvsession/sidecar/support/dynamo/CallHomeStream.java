package io.kvsession.sidecar.support.dynamo;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The worker's side of one response stream: it dials the caller's listener and writes, as two-part messages,
 * the handshake, the prologue, the data items, {@code complete_final} and the sentinel, then waits up to 10 s for the
 * caller to close. Order and shapes: {@code ingress/push_handler.rs} (dial before {@code generate()}, prologue after
 * it, one wrapper per item, {@code complete_final} unless a send failed), {@code tcp/client.rs}
 * ({@code CallHomeHandshake}, sentinel only on normal end, {@code "stop"}/{@code "kill"} from the caller end the
 * stream without sentinel, the 10 s wait for the caller's FIN), {@code pipeline/network.rs}
 * ({@code NetworkStreamWrapper} omits a null {@code data}; {@code ControlMessage} is snake_case).
 */
final class CallHomeStream {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final long CALLER_CLOSE_WAIT_MS = 10_000;

    private final ControlMessage control;
    private final Script script;
    private final Supplier<ObjectNode> handler;
    private final Set<Socket> open;
    private final ExecutorService threads;
    private final CountDownLatch callerClosed = new CountDownLatch(1);
    private volatile boolean stopped;
    private volatile boolean broken;

    /**
     * @param handler runs the session_control handler once and gives its Annotated item; it runs even when the
     *        stream then breaks, as the Python generator is polled before the send that fails
     */
    CallHomeStream(ControlMessage control, Script script, Supplier<ObjectNode> handler, Set<Socket> open,
            ExecutorService threads) {
        this.control = control;
        this.script = script;
        this.handler = handler;
        this.open = open;
        this.threads = threads;
    }

    void run() {
        Socket socket = new Socket();
        open.add(socket);
        try (socket) {
            socket.connect(address(control.address()), CONNECT_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            threads.execute(() -> readControlMessages(socket));
            OutputStream out = socket.getOutputStream();
            ObjectNode handshake = JSON.createObjectNode().put("subject", control.subject())
                    .put("stream_type", "response");
            TwoPartFrame.headerOnly(handshake.toString()).write(out);
            if (script.callHome() != CallHome.NO_PROLOGUE) {
                respond(out);
            }
        } catch (IOException callerGone) {
            // No connection or no handshake: upstream fails the request before generate(), the handler never runs.
        } catch (InterruptedException shuttingDown) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    /**
     * Everything after the handshake. Upstream queues these frames to a writer task, so a caller that has gone
     * away does not stop the handler from running: the frames after a failed write are just not sent.
     */
    private void respond(OutputStream out) throws InterruptedException {
        ObjectNode prologue = JSON.createObjectNode();
        prologue.set("error", script.prologueError() == null ? prologue.nullNode()
                : prologue.textNode(script.prologueError()));
        send(out, TwoPartFrame.headerOnly(prologue.toString()));
        if (script.prologueError() == null) {
            Thread.sleep(script.delay().toMillis());
            JsonNode item = handler.get();
            if (script.callHome() == CallHome.DROP_AFTER_PROLOGUE) {
                return;
            }
            ObjectNode wrapper = JSON.createObjectNode();
            wrapper.set("data", item);
            wrapper.put("complete_final", false);
            send(out, TwoPartFrame.dataOnly(wrapper.toString()));
            if (script.callHome() == CallHome.DROP_AFTER_ITEM) {
                return;
            }
            send(out, TwoPartFrame.dataOnly("{\"complete_final\":true}"));
        }
        send(out, TwoPartFrame.headerOnly("\"sentinel\""));
        if (!broken) {
            callerClosed.await(CALLER_CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes unless the caller stopped the stream or a write failed before (then nothing more goes out). */
    private void send(OutputStream out, TwoPartFrame frame) {
        if (stopped || broken) {
            return;
        }
        try {
            frame.write(out);
        } catch (IOException failed) {
            broken = true;
        }
    }

    /** The caller may only send header-only {@code "stop"} or {@code "kill"}; either ends the stream unsentinelled. */
    private void readControlMessages(Socket socket) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            TwoPartFrame frame;
            while ((frame = TwoPartFrame.read(in)) != null) {
                String text = frame.isHeaderOnly() ? frame.headerText() : "";
                if ("\"stop\"".equals(text) || "\"kill\"".equals(text)) {
                    stopped = true;
                }
            }
        } catch (IOException gone) {
            // A reset or a malformed frame ends the reading half as the caller's close does.
        } finally {
            callerClosed.countDown();
        }
    }

    private static InetSocketAddress address(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IOException("no port in " + hostPort);
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException notAPort) {
            throw new IOException("no port in " + hostPort, notAPort);
        }
    }
}
