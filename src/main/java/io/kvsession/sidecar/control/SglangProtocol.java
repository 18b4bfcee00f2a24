package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.config.SidecarConfig;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * SGLang's own HTTP server (SPEC §6 {@code sglang}). {@code POST /open_session} answers 200 with the session id as a
 * JSON string, or 400 {@code {"error": {"message": ...}}}; {@code POST /close_session} answers 200 with an empty body,
 * for unknown ids too. {@code GET /server_info} (older servers: {@code /get_server_info}) says which sessions the
 * server offers. {@code GET /health} runs a one-token generation: 200 after about a second, 503 while starting.
 * <p>
 * Streaming sessions pin a slot and are reaped by the server after {@code timeout} idle seconds. Radix-cache
 * sessions hold references in the radix cache: they are opened without {@code streaming} (refused by a server without
 * streaming sessions) and without {@code timeout} (the server would reap the session and drop its references while
 * it is in use), so only the sidecar's close ends them.
 */
@ApplicationScoped
public class SglangProtocol implements WorkerProtocol {

    /** What SGLang answers when a session with that id is already open, or its open is in flight. */
    static final String DUPLICATE_OPEN = "check if a session with the same id is still open";
    /** How a server started without {@code --enable-streaming-session} refuses a streaming open. */
    static final String STREAMING_DISABLED = "streaming sessions are disabled";

    private final WorkerHttp http;
    private final long maxServerInfoBytes;

    public SglangProtocol(WorkerHttp http, SidecarConfig config) {
        this.http = http;
        this.maxServerInfoBytes = config.rpc().maxServerInfoSize().asLongValue();
    }

    @Override
    public Uni<OpenOutcome> open(Instance instance, OpenSpec spec, Capability capability, Duration deadline) {
        JsonObject body = new JsonObject()
                .put("session_id", spec.sessionId())
                .put("capacity_of_str_len", spec.capacityOfStrLen());
        if (capability != Capability.RADIX) {
            body.put("timeout", spec.workerTimeoutSecs()).put("streaming", true);
        }
        return http.post(instance, "/open_session", body, deadline).map(answer -> {
            if (answer.ok()) {
                return OpenOutcome.OPENED;
            }
            Optional<String> refusal = answer.status() < 500 ? refusal(answer) : Optional.empty();
            if (refusal.isEmpty()) {
                // Not SGLang's refusal: a 5xx, a proxy's page, anything else. The worker may have opened it.
                throw WorkerException.garbled("worker " + instance.id() + " answered the open of session "
                        + spec.sessionId() + " with HTTP " + answer.status() + ": " + answer.excerpt());
            }
            String message = refusal.get().toLowerCase(Locale.ROOT);
            if (message.contains(DUPLICATE_OPEN)) {
                return OpenOutcome.ALREADY_OPEN;
            }
            if (message.startsWith(STREAMING_DISABLED)) {
                return OpenOutcome.SESSIONS_DISABLED;
            }
            throw WorkerException.rejected("worker " + instance.id() + " refused to open session " + spec.sessionId()
                    + " (HTTP " + answer.status() + "): " + refusal.get(), answer.status());
        });
    }

    @Override
    public Uni<CloseOutcome> close(Instance instance, String sessionId, Duration deadline) {
        JsonObject body = new JsonObject().put("session_id", sessionId);
        return http.post(instance, "/close_session", body, deadline).map(answer -> {
            if (answer.ok()) {
                return CloseOutcome.CLOSED;
            }
            String message = errorMessage(answer);
            if (answer.status() < 500 && WorkerProtocol.meansUnknownSession(message)) {
                return CloseOutcome.UNKNOWN_SESSION;
            }
            throw WorkerException.rejected("worker " + instance.id() + " refused to close session " + sessionId
                    + " (HTTP " + answer.status() + "): " + message, answer.status());
        });
    }

    @Override
    public Uni<Boolean> healthy(Instance instance, Duration deadline) {
        return http.get(instance, "/health", deadline).map(WorkerHttp.Answer::ok);
    }

    /**
     * {@code /server_info}, or on an older server {@code /get_server_info}; neither → unknown. Its
     * {@code random_seed} is drawn at every start of the server (unless pinned by {@code --random-seed}): the boot.
     */
    @Override
    public Uni<ServerInfo> serverInfo(Instance instance, Duration deadline) {
        return http.get(instance, "/server_info", deadline, maxServerInfoBytes)
                .flatMap(answer -> answer.status() == 404
                        ? http.get(instance, "/get_server_info", deadline, maxServerInfoBytes)
                        : Uni.createFrom().item(answer))
                .map(answer -> {
                    if (answer.status() == 404) {
                        return new ServerInfo(Capability.UNKNOWN, null);
                    }
                    if (!answer.ok()) {
                        throw WorkerException.rejected("worker " + instance.id() + " answered its server info with "
                                + "HTTP " + answer.status() + ": " + answer.excerpt(), answer.status());
                    }
                    return serverInfoOf(answer);
                });
    }

    private static ServerInfo serverInfoOf(WorkerHttp.Answer answer) {
        JsonObject info;
        try {
            info = new JsonObject(answer.body().getDelegate());
        } catch (DecodeException | ClassCastException notAnObject) {
            return new ServerInfo(Capability.UNKNOWN, null);
        }
        String boot = info.getValue("random_seed") instanceof Number seed ? seed.toString() : null;
        if (Boolean.TRUE.equals(info.getValue("enable_streaming_session"))) {
            return new ServerInfo(Capability.STREAMING, boot);
        }
        if (Boolean.TRUE.equals(info.getValue("enable_session_radix_cache"))) {
            return new ServerInfo(Capability.RADIX, boot);
        }
        return new ServerInfo(info.containsKey("enable_streaming_session") ? Capability.NONE : Capability.UNKNOWN,
                boot);
    }

    /**
     * The message of an SGLang refusal — {@code {"error": {"message"}}}, or a request-validation
     * {@code {"object": "error", "message"}} — or empty when the body is not one.
     */
    private static Optional<String> refusal(WorkerHttp.Answer answer) {
        if (!answer.hasBody()) {
            return Optional.empty();
        }
        try {
            JsonObject json = new JsonObject(answer.body().getDelegate());
            if (json.getValue("error") instanceof JsonObject error && error.getValue("message") instanceof String m) {
                return Optional.of(m);
            }
            if ("error".equals(json.getValue("object")) && json.getValue("message") instanceof String message) {
                return Optional.of(message);
            }
        } catch (DecodeException | ClassCastException notAnObject) {
            // not SGLang's shape
        }
        return Optional.empty();
    }

    /** The {@code error.message} of an SGLang error body, or the body itself when it has another shape. */
    private static String errorMessage(WorkerHttp.Answer answer) {
        if (!answer.hasBody()) {
            return answer.excerpt();
        }
        try {
            Object error = new JsonObject(answer.body().getDelegate()).getValue("error");
            if (error instanceof JsonObject object && object.getString("message") != null) {
                return object.getString("message");
            }
            if (error instanceof String text) {
                return text;
            }
        } catch (DecodeException | ClassCastException notAnObject) {
            // an HTML error page or a bare string: report it as it came
        }
        return answer.excerpt();
    }
}
