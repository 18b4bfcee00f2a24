package io.kvsession.sidecar.control.dynamo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/**
 * The pool of request connections, one per worker host:port: pipelining makes one enough for session-control
 * traffic, and concurrent first calls share the connect. A connection that closes or fails to open leaves the pool,
 * so the next call dials again. Touched only on the request plane's event loop.
 */
final class RequestLinks {

    /** Upstream's defaults ({@code egress/tcp_client.rs}): connect within 5 s, drop a host's idle links after 300 s. */
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int IDLE_SECONDS = 300;

    private final NetClient client;
    private final Map<String, Future<RequestLink>> links = new HashMap<>();

    RequestLinks(Vertx vertx) {
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setIdleTimeout(IDLE_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS));
    }

    /** The open connection to the worker, or one being opened; fails when the worker cannot be reached. */
    Future<RequestLink> link(Transport transport) {
        String key = transport.hostPort();
        Future<RequestLink> known = links.get(key);
        if (known != null) {
            return known;
        }
        Promise<RequestLink> opening = Promise.promise();
        Future<RequestLink> link = opening.future();
        links.put(key, link);
        client.connect(transport.port(), transport.host()).onComplete(connected -> {
            if (connected.succeeded()) {
                opening.complete(new RequestLink(key, connected.result(), () -> links.remove(key, link)));
            } else {
                links.remove(key, link);
                opening.fail(connected.cause());
            }
        });
        return link;
    }

    /** Closes every connection; calls still waiting for an acknowledgement fail. */
    Future<Void> close() {
        List.copyOf(links.values()).forEach(link -> link.onSuccess(RequestLink::close));
        return client.close();
    }
}
