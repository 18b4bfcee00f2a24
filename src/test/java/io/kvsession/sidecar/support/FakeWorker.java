package io.kvsession.sidecar.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.vertx.core.json.JsonObject;

/**
 * An SGLang worker over real HTTP on loopback, answering as upstream SGLang's HTTP server does (see
 * {@link SglangBehaviour}, reached with {@link #sglang()}): health answers after about a second, server info tells its
 * session flags, duplicate and refused opens answer upstream's exact errors, closes answer 200 with no body, idle
 * sessions are reaped. It records every RPC it receives, and can be told to delay, reject, fail closes, report
 * unhealthy, or go down (refuse connections) and come back on the same port. (Dynamo workers are
 * {@link io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker}.)
 */
public final class FakeWorker {

    /** How the worker answers opens. */
    public enum OpenMode {
        NORMAL,
        /** HTTP 400 with an error message. */
        REJECT,
        /** HTTP 500. */
        SERVER_ERROR,
        /** Opens, then answers 200 with a chunked body that never ends (until the client hangs up). */
        ENDLESS
    }

    /** One RPC as received. */
    public record Rpc(String method, String path, JsonObject body) {

        public String sessionId() {
            return body == null ? null : body.getString("session_id");
        }

        public boolean isOpen() {
            return "/open_session".equals(path);
        }

        public boolean isClose() {
            return "/close_session".equals(path);
        }
    }

    public static final String REJECTION = "out of KV cache capacity";

    private final String id;
    private final InetAddress address;
    private final List<Rpc> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger healthChecks = new AtomicInteger();
    private final AtomicLong endlessBytes = new AtomicLong();
    private final AtomicInteger closeFailures = new AtomicInteger();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final SglangBehaviour sglang;
    private volatile Duration delay = Duration.ZERO;
    private volatile Duration openDelay = Duration.ZERO;
    private volatile OpenMode openMode = OpenMode.NORMAL;
    private volatile boolean healthy = true;
    private volatile HttpServer server;
    private volatile int port;
    private boolean started;

    public FakeWorker(String id) {
        this(id, InetAddress.getLoopbackAddress());
    }

    public FakeWorker(String id, InetAddress address) {
        this.id = id;
        this.address = address;
        this.sglang = new SglangBehaviour(this);
    }

    /** Starts listening, on the port it had before if it ran already; a start after a stop is a new boot (new
     * {@code random_seed} in server info) that keeps its sessions unless {@link #restart()} is used. */
    public synchronized FakeWorker start() {
        if (server != null) {
            return this;
        }
        if (started) {
            sglang.booted();
        }
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 64);
            http.setExecutor(executor);
            http.createContext("/", this::handle);
            http.start();
            port = http.getAddress().getPort();
            server = http;
            started = true;
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("fake worker " + id + " cannot listen on port " + port, e);
        }
    }

    /** Stops listening: connections are refused until {@link #start()}. Sessions survive, as on a worker restart
     * that keeps its cache would (SGLang ones still idle out); use {@link #reset()} or {@link #restart()} to forget
     * them. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /**
     * A real process restart on the same port: down, then up with every session, in-flight open, radix generation
     * and tombstone forgotten and new boot values; health answers 503 ({@code Starting}) for {@code warmUp}.
     */
    public synchronized FakeWorker restart(Duration warmUp) {
        stop();
        sglang.state().forget();
        sglang.startingFor(warmUp);
        return start();
    }

    public FakeWorker restart() {
        return restart(Duration.ZERO);
    }

    /** Listens on this port when started (several workers on distinct loopback addresses share one port). */
    public FakeWorker listenOn(int value) {
        port = value;
        return this;
    }

    /** Reserves a port without listening, for a worker that starts late. */
    public synchronized FakeWorker reservePort() {
        start();
        stop();
        return this;
    }

    public void shutdown() {
        stop();
        executor.shutdownNow();
        sglang.shutdown();
    }

    /** Forgets sessions and RPCs and answers normally again (SGLang switches back to their defaults). */
    public void reset() {
        sglang.reset();
        received.clear();
        healthChecks.set(0);
        closeFailures.set(0);
        delay = Duration.ZERO;
        openDelay = Duration.ZERO;
        openMode = OpenMode.NORMAL;
        healthy = true;
    }

    public String id() {
        return id;
    }

    public String url() {
        return "http://" + address.getHostAddress() + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Every RPC answers this late, acting first in arrival order, as a slow SGLang server does. */
    public FakeWorker delay(Duration value) {
        delay = value;
        return this;
    }

    /**
     * Opens act this late, before they answer: closes sent after them overtake them, as when an open is held up
     * before it reaches the scheduler.
     */
    public FakeWorker delayOpens(Duration value) {
        openDelay = value;
        return this;
    }

    public FakeWorker openMode(OpenMode mode) {
        openMode = mode;
        return this;
    }

    public FakeWorker healthy(boolean value) {
        healthy = value;
        return this;
    }

    /** The next {@code count} closes answer HTTP 500. */
    public FakeWorker failCloses(int count) {
        closeFailures.set(count);
        return this;
    }

    /** Sessions the worker holds open now. */
    public Set<String> sessions() {
        return sglang.state().ids();
    }

    /** Opens the worker holds without a sidecar having asked, as after a sidecar restart. */
    public void hold(String sessionId) {
        sglang.state().hold(sessionId);
    }

    /** The SGLang behaviour and its switches. */
    public SglangBehaviour sglang() {
        return sglang;
    }

    /** How long a healthy SGLang {@code /health} takes; default 1 s, {@link Duration#ZERO} for instant health. */
    public FakeWorker healthDelay(Duration value) {
        sglang().healthDelay(value);
        return this;
    }

    /** SGLang health answers 503 while starting. */
    public FakeWorker starting(boolean value) {
        sglang().starting(value);
        return this;
    }

    public FakeWorker startingFor(Duration value) {
        sglang().startingFor(value);
        return this;
    }

    public FakeWorker sessionMode(SglangBehaviour.SessionMode mode) {
        sglang().mode(mode);
        return this;
    }

    /** Reads of {@code /server_info} and {@code /get_server_info} (not in {@link #rpcs()}). */
    public int serverInfoReads() {
        return sglang().serverInfoReads();
    }

    public List<Rpc> rpcs() {
        return List.copyOf(received);
    }

    /** Open RPCs received for the session. */
    public List<Rpc> opens(String sessionId) {
        return received.stream().filter(rpc -> rpc.isOpen() && sessionId.equals(rpc.sessionId())).toList();
    }

    /** Close RPCs received for the session. */
    public List<Rpc> closes(String sessionId) {
        return received.stream().filter(rpc -> rpc.isClose() && sessionId.equals(rpc.sessionId())).toList();
    }

    /** Bytes of never-ending answers written so far (see {@link OpenMode#ENDLESS}). */
    public long endlessBytes() {
        return endlessBytes.get();
    }

    void wroteEndless(int bytes) {
        endlessBytes.addAndGet(bytes);
    }

    public int healthChecks() {
        return healthChecks.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            sglang.handle(exchange, exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        }
    }

    void record(Rpc rpc) {
        received.add(rpc);
    }

    void countHealthCheck() {
        healthChecks.incrementAndGet();
    }

    boolean isHealthy() {
        return healthy;
    }

    OpenMode openMode() {
        return openMode;
    }

    /** How long an open waits before it acts (delayOpens), letting later closes overtake it. */
    Duration lateOpen() {
        return openDelay;
    }

    Duration rpcPause() {
        return delay;
    }

    boolean takeCloseFailure() {
        return closeFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    String host() {
        return address.getHostAddress();
    }

    static void pause(Duration delay) {
        long millis = delay.toMillis();
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
