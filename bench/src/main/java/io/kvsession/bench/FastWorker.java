package io.kvsession.bench;

import java.util.concurrent.TimeUnit;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** An SGLang worker on loopback that answers at once: the baseline, and the worker behind the sidecar. */
final class FastWorker {

    private FastWorker() {
    }

    static HttpServer start(Vertx vertx, int port) throws Exception {
        Promise<HttpServer> listening = Promise.promise();
        vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
            switch (request.path()) {
                case "/open_session" -> request.response().putHeader("content-type", "application/json")
                        .end("\"ok\"");
                case "/close_session", "/health" -> request.response().end();
                default -> request.response().setStatusCode(404).end();
            }
        })).listen(port, "127.0.0.1").onComplete(listening);
        return listening.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
