package io.kvsession.sidecar.support;

import java.time.Duration;

import org.apache.http.impl.client.DefaultHttpClient;
import org.apache.http.impl.conn.PoolingClientConnectionManager;

import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;

/**
 * RestAssured calling the sidecar as a router does: every thread shares a few kept-alive connections per port. By
 * default RestAssured opens a connection for each request and leaves it open, so a long run piles up connections
 * until the connection cap (512 on the API port, 64 on the management port) closes new ones unanswered. A pooled
 * connection left idle for 10 s is closed rather than reused, well before the sidecar's idle timeout (30 s) could
 * close it while a request is being sent on it.
 */
// RestAssured takes only an AbstractHttpClient, whose pool is HttpClient's deprecated pre-4.3 API.
@SuppressWarnings("deprecation")
public final class KeptAlive implements AutoCloseable {

    private static final Duration REUSE_WITHIN = Duration.ofSeconds(10);

    private final RestAssuredConfig previous;
    private final PoolingClientConnectionManager pool;

    private KeptAlive(int connectionsPerPort) {
        previous = RestAssured.config();
        pool = new PoolingClientConnectionManager();
        pool.setDefaultMaxPerRoute(connectionsPerPort);
        pool.setMaxTotal(2 * connectionsPerPort);
        DefaultHttpClient client = new DefaultHttpClient(pool);
        client.setKeepAliveStrategy((response, context) -> REUSE_WITHIN.toMillis());
        // Built on the current config, so that the timeouts Quarkus sets for each test stay.
        HttpClientConfig shared = previous.getHttpClientConfig().httpClientFactory(() -> client)
                .reuseHttpClientInstance();
        RestAssured.config = previous.httpClient(shared);
    }

    /**
     * Sends every RestAssured request, to either port, over the pool until {@link #close()}; a port takes at most
     * {@code connectionsPerPort} connections, as many as threads call it at once.
     */
    public static KeptAlive install(int connectionsPerPort) {
        return new KeptAlive(connectionsPerPort);
    }

    /** Gives RestAssured its previous config back and closes the pooled connections. */
    @Override
    public void close() {
        RestAssured.config = previous;
        pool.shutdown();
    }
}
