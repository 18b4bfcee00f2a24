package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.config.SidecarConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * The one non-blocking HTTP client all worker calls share. Created at start, outside any request: a client created
 * on a request's event loop would be closed with the HTTP server on shutdown, before pending closes have drained.
 */
@Startup
@ApplicationScoped
public class WorkerHttp {

    /** A worker's answer: status and raw body. */
    public record Answer(int status, Buffer body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public boolean hasBody() {
            return body != null && body.length() > 0;
        }

        /** The body as text, cut short for messages. */
        public String excerpt() {
            if (!hasBody()) {
                return "(empty body)";
            }
            String text = body.toString().strip();
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }
    }

    private final HttpClient client;

    public WorkerHttp(Vertx vertx, SidecarConfig config) {
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.rpc().openTimeout().toMillis())
                .setMaxPoolSize(32)
                .setKeepAlive(true)
                .setName("kvsession-workers"));
    }

    public Uni<Answer> post(Instance instance, String path, JsonObject body, Duration deadline) {
        return send(instance, HttpMethod.POST, path, Buffer.buffer(body.encode()), deadline);
    }

    public Uni<Answer> get(Instance instance, String path, Duration deadline) {
        return send(instance, HttpMethod.GET, path, null, deadline);
    }

    private Uni<Answer> send(Instance instance, HttpMethod method, String path, Buffer body, Duration deadline) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(instance.endpoint(path))
                .setIdleTimeout(deadline.toMillis());
        if (body != null) {
            options.putHeader("content-type", "application/json");
        }
        return client.request(options)
                .onFailure().transform(notConnected -> notConnected instanceof TimeoutException
                        ? timedOut(instance, method, path, deadline)
                        : WorkerException.unreachable(what(instance) + " is unreachable: " + describe(notConnected)))
                .flatMap(request -> (body == null ? request.send() : request.send(body))
                        .flatMap(WorkerHttp::readBody)
                        .onFailure(failure -> !(failure instanceof WorkerException))
                        .transform(failure -> failure instanceof TimeoutException
                                ? timedOut(instance, method, path, deadline)
                                : WorkerException.lostAnswer(what(instance) + " dropped the connection before "
                                        + "answering " + method + " " + path + ": " + describe(failure))))
                .ifNoItem().after(deadline).failWith(() -> timedOut(instance, method, path, deadline));
    }

    private static String what(Instance instance) {
        return "worker " + instance.id() + " (" + instance.url() + ")";
    }

    private static Uni<Answer> readBody(HttpClientResponse response) {
        return response.body().map(buffer -> new Answer(response.statusCode(), buffer));
    }

    private static WorkerException timedOut(Instance instance, HttpMethod method, String path, Duration deadline) {
        return WorkerException.timedOut("worker " + instance.id() + " did not answer " + method + " " + path
                + " within " + deadline.toMillis() + " ms");
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }
}
