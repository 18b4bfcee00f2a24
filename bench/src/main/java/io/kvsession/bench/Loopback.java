package io.kvsession.bench;

import java.io.IOException;
import java.net.ServerSocket;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** JSON posts to servers on 127.0.0.1 over kept-alive connections; anything but a 2xx answer fails the future. */
final class Loopback {

    private final HttpClient client;

    Loopback(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(512).setKeepAlive(true)
                .setPipelining(false));
    }

    Future<Void> post(int port, String path, String json) {
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).putHeader("content-type", "application/json"))
                .compose(request -> request.send(Buffer.buffer(json)))
                .compose(response -> response.body().compose(body -> response.statusCode() < 300
                        ? Future.<Void> succeededFuture()
                        : Future.failedFuture("HTTP " + response.statusCode() + " " + body)));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
