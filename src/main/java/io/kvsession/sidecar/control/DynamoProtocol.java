package io.kvsession.sidecar.control;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The Dynamo SGLang worker's {@code session_control} handler: {@code POST /session_control} with an {@code action},
 * answered by {@code {"status": "ok"|"error", "message"?}}. An error status, a missing body or a missing
 * {@code status} field are failures.
 */
@ApplicationScoped
public class DynamoProtocol implements WorkerProtocol {

    /** What the handler says when asked to open a session it already holds. */
    static final String ALREADY_EXISTS = "Session already exists";

    private final WorkerHttp http;

    public DynamoProtocol(WorkerHttp http) {
        this.http = http;
    }

    @Override
    public Uni<OpenOutcome> open(Instance instance, OpenSpec spec, Capability capability, Duration deadline) {
        JsonObject body = new JsonObject()
                .put("action", "open_session")
                .put("session_id", spec.sessionId())
                .put("timeout", spec.workerTimeoutSecs())
                .put("capacity_of_str_len", spec.capacityOfStrLen());
        return call(instance, spec.sessionId(), body, deadline).map(reply -> {
            if (reply.ok()) {
                return ALREADY_EXISTS.equalsIgnoreCase(reply.message()) ? OpenOutcome.ALREADY_OPEN : OpenOutcome.OPENED;
            }
            throw WorkerException.rejected("worker " + instance.id() + " refused to open session " + spec.sessionId()
                    + ": " + reply.message(), 400);
        });
    }

    @Override
    public Uni<CloseOutcome> close(Instance instance, String sessionId, Duration deadline) {
        JsonObject body = new JsonObject().put("action", "close_session").put("session_id", sessionId);
        return call(instance, sessionId, body, deadline).map(reply -> {
            if (reply.ok()) {
                return CloseOutcome.CLOSED;
            }
            if (WorkerProtocol.meansUnknownSession(reply.message())) {
                return CloseOutcome.UNKNOWN_SESSION;
            }
            throw WorkerException.rejected("worker " + instance.id() + " refused to close session " + sessionId
                    + ": " + reply.message(), 400);
        });
    }

    @Override
    public Uni<Boolean> healthy(Instance instance, Duration deadline) {
        return http.get(instance, "/health", deadline).map(WorkerHttp.Answer::ok);
    }

    /** The endpoint is served only by workers started with streaming sessions. */
    @Override
    public Uni<Capability> capability(Instance instance, Duration deadline) {
        return Uni.createFrom().item(Capability.STREAMING);
    }

    private record Reply(boolean ok, String message) {
    }

    /** Posts one action and validates the answer's shape; every malformed answer names the session. */
    private Uni<Reply> call(Instance instance, String sessionId, JsonObject body, Duration deadline) {
        String action = body.getString("action");
        String what = "worker " + instance.id() + " " + action + " of session " + sessionId;
        return http.post(instance, "/session_control", body, deadline).map(answer -> {
            if (!answer.ok()) {
                throw WorkerException.rejected(what + " failed with HTTP " + answer.status() + ": " + answer.excerpt(),
                        answer.status());
            }
            if (!answer.hasBody()) {
                throw WorkerException.rejected(what + " returned no body", 502);
            }
            JsonObject json;
            try {
                json = new JsonObject(answer.body().getDelegate());
            } catch (DecodeException | ClassCastException notAnObject) {
                throw WorkerException.rejected(what + " returned a body that is not a JSON object: "
                        + answer.excerpt(), 502);
            }
            Object status = json.getValue("status");
            if (!(status instanceof String text)) {
                throw WorkerException.rejected(what + " returned no status field: " + answer.excerpt(), 502);
            }
            String message = json.getValue("message") instanceof String m ? m : "";
            if ("ok".equalsIgnoreCase(text)) {
                return new Reply(true, message);
            }
            return new Reply(false, message.isEmpty() ? "status " + text : message);
        });
    }
}
