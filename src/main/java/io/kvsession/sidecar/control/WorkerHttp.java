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
import io.vertx.mutiny.core.http.HttpClientRequest;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * The one non-blocking HTTP client all worker calls share. Created at start, outside any request: a client created
 * on a request's event loop would be closed with the HTTP server on shutdown, before pending closes have drained.
 * <p>
 * Every answer is read up to a cap: an answer that announces or sends more, or that is still streaming at the
 * deadline, is cut off — the connection is reset, so nothing more is read or buffered — and counts as a worker fault.
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
    private final long maxAnswerBytes;

    public WorkerHttp(Vertx vertx, SidecarConfig config) {
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.rpc().openTimeout().toMillis())
                .setMaxPoolSize(32)
                .setKeepAlive(true)
                .setName("kvsession-workers"));
        this.maxAnswerBytes = config.rpc().maxAnswerSize().asLongValue();
    }

    public Uni<Answer> post(Instance instance, String path, JsonObject body, Duration deadline) {
        return send(instance, HttpMethod.POST, path, Buffer.buffer(body.encode()), deadline, maxAnswerBytes);
    }

    public Uni<Answer> get(Instance instance, String path, Duration deadline) {
        return send(instance, HttpMethod.GET, path, null, deadline, maxAnswerBytes);
    }

    /** A GET whose answer may be longer than the usual cap (server info). */
    public Uni<Answer> get(Instance instance, String path, Duration deadline, long maxBytes) {
        return send(instance, HttpMethod.GET, path, null, deadline, maxBytes);
    }

    private Uni<Answer> send(Instance instance, HttpMethod method, String path, Buffer body, Duration deadline,
            long maxBytes) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(instance.endpoint(path))
                .setIdleTimeout(deadline.toMillis());
        if (body != null) {
            options.putHeader("content-type", "application/json");
        }
        String call = method + " " + path;
        return client.request(options)
                .onFailure().transform(notConnected -> notConnected instanceof TimeoutException
                        ? timedOut(instance, call, deadline)
                        : WorkerException.unreachable(what(instance) + " is unreachable: " + describe(notConnected)))
                .flatMap(request -> (body == null ? request.send() : request.send(body))
                        .flatMap(response -> read(request, response, instance, call, maxBytes))
                        .onFailure(failure -> !(failure instanceof WorkerException))
                        .transform(failure -> failure instanceof TimeoutException
                                ? timedOut(instance, call, deadline)
                                : WorkerException.lostAnswer(what(instance) + " dropped the connection before "
                                        + "answering " + call + ": " + describe(failure)))
                        .onFailure().invoke(failure -> request.reset()))
                .ifNoItem().after(deadline).failWith(() -> timedOut(instance, call, deadline));
    }

    /** The body, up to {@code maxBytes}: the connection is reset at the cap, and on any failure or cancellation. */
    private static Uni<Answer> read(HttpClientRequest request, HttpClientResponse response, Instance instance,
            String call, long maxBytes) {
        String length = response.getHeader("content-length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                && Long.parseLong(length) > maxBytes) {
            hangUp(request, response);
            return Uni.createFrom().failure(tooLong(instance, call, maxBytes));
        }
        return Uni.createFrom().<Answer> emitter(emitter -> {
            io.vertx.core.buffer.Buffer received = io.vertx.core.buffer.Buffer.buffer();
            boolean[] settled = new boolean[1];
            response.exceptionHandler(failure -> {
                if (!settled[0]) {
                    settled[0] = true;
                    emitter.fail(failure);
                }
            });
            response.handler(chunk -> {
                if (settled[0]) {
                    return;
                }
                if (received.length() + chunk.length() > maxBytes) {
                    settled[0] = true;
                    emitter.fail(tooLong(instance, call, maxBytes));
                    hangUp(request, response);
                    return;
                }
                received.appendBuffer(chunk.getDelegate());
            });
            response.endHandler(() -> {
                if (!settled[0]) {
                    settled[0] = true;
                    emitter.complete(new Answer(response.statusCode(), Buffer.newInstance(received)));
                }
            });
            emitter.onTermination(() -> {
                if (!settled[0]) {
                    settled[0] = true;
                    hangUp(request, response);
                }
            });
        });
    }

    /** Stops reading at once and closes the connection, so that the rest of an answer is neither read nor kept. */
    private static void hangUp(HttpClientRequest request, HttpClientResponse response) {
        response.pause();
        request.reset();
        request.connection().closeAndForget();
    }

    private static String what(Instance instance) {
        return "worker " + instance.id() + " (" + instance.url() + ")";
    }

    private static WorkerException tooLong(Instance instance, String call, long maxBytes) {
        return WorkerException.garbled(what(instance) + " answered " + call + " with more than " + maxBytes
                + " bytes (kvsession.rpc.max-answer-size); cut off");
    }

    private static WorkerException timedOut(Instance instance, String call, Duration deadline) {
        return WorkerException.timedOut("worker " + instance.id() + " did not answer " + call + " within "
                + deadline.toMillis() + " ms");
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
