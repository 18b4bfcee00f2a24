package io.kvsession.sidecar.control;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * SGLang's own HTTP server: {@code POST /open_session} answers 200 with the session id as a JSON string, or 400
 * {@code {"error": {"message": ...}}}; {@code POST /close_session} answers 200 with an empty body.
 */
@ApplicationScoped
public class SglangProtocol implements WorkerProtocol {

    /** What SGLang answers when a session with that id is already open. */
    static final String DUPLICATE_OPEN = "check if a session with the same id is still open";

    private final WorkerHttp http;

    public SglangProtocol(WorkerHttp http) {
        this.http = http;
    }

    @Override
    public Uni<OpenOutcome> open(Instance instance, OpenSpec spec, Duration deadline) {
        JsonObject body = new JsonObject()
                .put("session_id", spec.sessionId())
                .put("capacity_of_str_len", spec.capacityOfStrLen())
                .put("timeout", spec.workerTimeoutSecs())
                .put("streaming", true);
        return http.post(instance, "/open_session", body, deadline).map(answer -> {
            if (answer.ok()) {
                return OpenOutcome.OPENED;
            }
            String message = errorMessage(answer);
            if (message.toLowerCase(java.util.Locale.ROOT).contains(DUPLICATE_OPEN)) {
                return OpenOutcome.ALREADY_OPEN;
            }
            throw WorkerException.rejected("worker " + instance.id() + " refused to open session " + spec.sessionId()
                    + " (HTTP " + answer.status() + "): " + message, answer.status());
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
