package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.control.dynamo.RequestPlaneClient;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * The Dynamo SGLang worker's {@code session_control} endpoint (SPEC §6 {@code dynamo}), called over Dynamo's TCP
 * request plane at the instance's {@code tcp://host:port/<path>}. It takes
 * {@code {"action": "open_session"|"close_session", ...}} and yields one item, an {@code Annotated} whose
 * {@code data} is {@code {"status": "ok"|"error", "session_id"?, "message"?}}. As Dynamo's own controller does,
 * the first item decides: an error item, a missing {@code data} or a missing {@code status} is a failure naming the
 * session; {@code "Session already exists"} is success; unknown fields (e.g. {@code created}) are ignored.
 * <p>
 * A Dynamo worker has no HTTP health: it is live while its instance key exists in etcd, so it counts as healthy, and
 * it serves this endpoint only when started with streaming sessions.
 */
@ApplicationScoped
public class DynamoProtocol implements WorkerProtocol {

    /** What the handler says when asked to open a session it already holds. */
    static final String ALREADY_EXISTS = "Session already exists";

    private final RequestPlaneClient plane;

    public DynamoProtocol(RequestPlaneClient plane) {
        this.plane = plane;
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
        return Uni.createFrom().item(true);
    }

    /** A restarted Dynamo worker registers under a new instance id: there is no boot to compare. */
    @Override
    public Uni<ServerInfo> serverInfo(Instance instance, Duration deadline) {
        return Uni.createFrom().item(new ServerInfo(Capability.STREAMING, null));
    }

    private record Reply(boolean ok, String message) {
    }

    /** Sends one action and validates the first item's shape; every malformed answer names the session. */
    private Uni<Reply> call(Instance instance, String sessionId, JsonObject body, Duration deadline) {
        String what = "worker " + instance.id() + " " + body.getString("action") + " of session " + sessionId;
        return plane.call(instance.url().toString(), body, deadline)
                .onFailure(WorkerException.class).transform(failure -> ((WorkerException) failure).about(what))
                .map(items -> reply(what, items));
    }

    private static Reply reply(String what, List<JsonObject> items) {
        if (items.isEmpty()) {
            throw WorkerException.garbled(what + " answered with no item");
        }
        JsonObject annotated = items.get(0);
        if ("error".equals(annotated.getValue("event"))) {
            throw WorkerException.garbled(what + " failed on the worker: " + errorText(annotated));
        }
        if (!(annotated.getValue("data") instanceof JsonObject data)) {
            throw WorkerException.garbled(what + " answered without data: " + excerpt(annotated));
        }
        if (!(data.getValue("status") instanceof String status)) {
            throw WorkerException.garbled(what + " answered without a status: " + excerpt(data));
        }
        String message = data.getValue("message") instanceof String text ? text : "";
        return "ok".equalsIgnoreCase(status) ? new Reply(true, message)
                : new Reply(false, message.isEmpty() ? "status " + status : message);
    }

    /** The message of an error item, in the newer ({@code error.message}) or older ({@code comment}) shape. */
    private static String errorText(JsonObject annotated) {
        Object error = annotated.getValue("error");
        if (error instanceof JsonObject object && object.getValue("message") instanceof String message) {
            return message;
        }
        if (error instanceof String message) {
            return message;
        }
        Object comment = annotated.getValue("comment");
        return comment == null ? excerpt(annotated) : comment.toString();
    }

    private static String excerpt(JsonObject json) {
        String text = json.encode();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
