package io.kvsession.sidecar.support;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;

/**
 * How a fake SGLang worker answers, following upstream {@code entrypoints/http_server.py}, the tokenizer's
 * {@code open_session}/{@code close_session} and the scheduler's {@code SessionController}. Every behaviour has a
 * switch; {@link #reset()} restores the defaults.
 */
public final class SglangBehaviour {

    /** Which session flags the server was launched with. */
    public enum SessionMode {
        /** {@code --enable-streaming-session}. */
        STREAMING(true, false),
        /** {@code --enable-session-radix-cache} (UnifiedRadixCache), no streaming sessions. */
        RADIX(false, true),
        STREAMING_AND_RADIX(true, true),
        /** Neither flag: a stock server. Non-streaming opens still succeed. */
        NONE(false, false);

        final boolean streaming;
        final boolean radix;

        SessionMode(boolean streaming, boolean radix) {
            this.streaming = streaming;
            this.radix = radix;
        }
    }

    /** Which server-info routes exist. */
    public enum ServerInfoRoutes {
        /** Current servers: {@code /server_info} and the deprecated alias {@code /get_server_info}. */
        BOTH,
        /** A future server that dropped the deprecated alias. */
        SERVER_INFO_ONLY,
        /** An old server: only {@code /get_server_info}, and no {@code enable_session_radix_cache} field. */
        LEGACY_ONLY,
        NONE
    }

    public static final Duration HEALTH_DELAY = Duration.ofSeconds(1);
    public static final Duration REAP_INTERVAL = Duration.ofSeconds(1);
    public static final String VERSION = "0.5.17";

    final FakeWorker worker;
    final SglangSessions state = new SglangSessions();
    private final SglangRoutes routes = new SglangRoutes(this);
    final List<String> infoRequests = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "fake-sglang-reaper");
        thread.setDaemon(true);
        return thread;
    });
    volatile SessionMode mode;
    volatile ServerInfoRoutes infoRoutes;
    volatile Duration healthDelay;
    volatile boolean healthGeneration;
    volatile Duration unhealthyAfter;
    volatile boolean starting;
    volatile long startingUntil;
    volatile boolean shuttingDown;
    volatile Duration openAnswerDelay;
    volatile Duration reapInterval;
    volatile boolean reaping;
    volatile String version;
    volatile long randomSeed = newSeed();

    SglangBehaviour(FakeWorker worker) {
        this.worker = worker;
        reset();
        reaper.scheduleWithFixedDelay(() -> {
            if (reaping) {
                state.maybeReap(System.nanoTime(), reapInterval.toNanos());
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** Defaults: streaming sessions, both info routes, 1 s health, reaping every second; forgets sessions. */
    public void reset() {
        mode(SessionMode.STREAMING);
        infoRoutes = ServerInfoRoutes.BOTH;
        healthDelay = HEALTH_DELAY;
        healthGeneration = true;
        unhealthyAfter = Duration.ZERO;
        starting = false;
        startingUntil = System.nanoTime();
        shuttingDown = false;
        openAnswerDelay = Duration.ZERO;
        reapInterval = REAP_INTERVAL;
        reaping = true;
        version = VERSION;
        infoRequests.clear();
        state.forget();
    }

    public SglangBehaviour mode(SessionMode value) {
        mode = value;
        state.radix(value.radix);
        return this;
    }

    public SessionMode mode() {
        return mode;
    }

    public SglangBehaviour serverInfoRoutes(ServerInfoRoutes value) {
        infoRoutes = value;
        return this;
    }

    /** How long a healthy {@code /health} takes (upstream polls after {@code asyncio.sleep(1)}). */
    public SglangBehaviour healthDelay(Duration value) {
        healthDelay = value;
        return this;
    }

    /** {@code SGLANG_ENABLE_HEALTH_ENDPOINT_GENERATION}: false makes {@code /health} (only) answer 200 at once. */
    public SglangBehaviour healthGeneration(boolean value) {
        healthGeneration = value;
        return this;
    }

    /** How long an unhealthy worker takes to answer 503 (upstream: {@code SGLANG_HEALTH_CHECK_TIMEOUT}, 20 s). */
    public SglangBehaviour unhealthyAfter(Duration value) {
        unhealthyAfter = value;
        return this;
    }

    /** {@code ServerStatus.Starting} (weights loaded, warm-up not done): health answers 503 at once. */
    public SglangBehaviour starting(boolean value) {
        starting = value;
        return this;
    }

    public SglangBehaviour startingFor(Duration value) {
        startingUntil = System.nanoTime() + value.toNanos();
        return this;
    }

    public boolean isStarting() {
        return starting || System.nanoTime() - startingUntil < 0;
    }

    /** {@code gracefully_exit}: health answers 503 at once. */
    public SglangBehaviour shuttingDown(boolean value) {
        shuttingDown = value;
        return this;
    }

    /** The open takes effect at once but its answer comes late (a slow reply, not a slow scheduler). */
    public SglangBehaviour delayOpenAnswers(Duration value) {
        openAnswerDelay = value;
        return this;
    }

    public SglangBehaviour reapInterval(Duration value) {
        reapInterval = value;
        return this;
    }

    public SglangBehaviour reapIdleSessions(boolean value) {
        reaping = value;
        return this;
    }

    public SglangBehaviour version(String value) {
        version = value;
        return this;
    }

    /** {@code random_seed} in server info: drawn anew at every process start unless {@code --random-seed}. */
    public long randomSeed() {
        return randomSeed;
    }

    /** A request on the session (a generate with {@code session_params.id}): its idle timer starts again. */
    public boolean touch(String sessionId) {
        return state.touch(sessionId);
    }

    /** A generate with the top-level {@code session_id} on a radix server; its generation, or null if ignored. */
    public Long radixRequest(String sessionId) {
        return state.radixRequest(sessionId);
    }

    /** Ids with a live radix generation (referenced KV survives eviction longer). */
    public Set<String> radixSessions() {
        return state.radixIds();
    }

    public Long radixGeneration(String sessionId) {
        return state.generation(sessionId);
    }

    public boolean tombstoned(String sessionId) {
        return state.tombstoned(sessionId);
    }

    public int tombstones() {
        return state.tombstoneCount();
    }

    /** The idle timeout the worker keeps for an open session (seconds), null if none or not open. */
    public Double timeoutOf(String sessionId) {
        SglangSessions.Session session = state.session(sessionId);
        return session == null ? null : session.timeout;
    }

    /** GET paths of server-info and model-info requests, in order. */
    public List<String> infoRequests() {
        return List.copyOf(infoRequests);
    }

    public int serverInfoReads() {
        return (int) infoRequests.stream().filter(p -> p.endsWith("server_info")).count();
    }

    SglangSessions state() {
        return state;
    }

    void handle(HttpExchange exchange, String method, String path) throws IOException {
        routes.handle(exchange, method, path);
    }

    void booted() {
        randomSeed = newSeed();
    }

    void shutdown() {
        reaper.shutdownNow();
    }

    private static long newSeed() {
        return ThreadLocalRandom.current().nextLong(1L << 30);
    }
}
