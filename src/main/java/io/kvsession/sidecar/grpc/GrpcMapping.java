package io.kvsession.sidecar.grpc;

import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.control.Circuit;
import io.kvsession.sidecar.control.WorkerView;
import io.kvsession.sidecar.grpc.v1.CircuitState;
import io.kvsession.sidecar.grpc.v1.CloseSessionResponse;
import io.kvsession.sidecar.grpc.v1.EngineClose;
import io.kvsession.sidecar.grpc.v1.ListWorkersResponse;
import io.kvsession.sidecar.grpc.v1.RouteResponse;
import io.kvsession.sidecar.grpc.v1.Session;
import io.kvsession.sidecar.grpc.v1.SessionControlState;
import io.kvsession.sidecar.grpc.v1.SessionEventType;
import io.kvsession.sidecar.grpc.v1.SessionKind;
import io.kvsession.sidecar.grpc.v1.Worker;
import io.kvsession.sidecar.lifecycle.Results;
import io.kvsession.sidecar.lifecycle.SessionDirectory;
import io.kvsession.sidecar.lifecycle.SessionEvent;

/** Domain ⇄ protobuf, nothing else. Proto3 strings are never null: empty means absent. */
final class GrpcMapping {

    private GrpcMapping() {
    }

    static String absentIfEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    static Session session(Binding binding) {
        return sessionOf(binding).build();
    }

    static Session session(Results.SessionView view) {
        return sessionOf(view.binding()).addAllChildren(view.children()).build();
    }

    private static Session.Builder sessionOf(Binding binding) {
        return Session.newBuilder()
                .setSessionId(binding.sessionId())
                .setInstanceId(binding.instanceId())
                .setKind(kind(binding.kind()))
                .setEngineSession(binding.kind().engineBacked())
                .setTimeoutSecs(binding.timeout().toSeconds())
                .setExpiresAt(binding.expiresAt().toString())
                .setParentSessionId(binding.parentSessionId() == null ? "" : binding.parentSessionId())
                .setInFlight(binding.inFlight());
    }

    static RouteResponse routed(Results.Routed routed) {
        return RouteResponse.newBuilder()
                .setInstanceId(routed.instanceId())
                .setSticky(routed.sticky())
                .setEngineSession(routed.engineSession())
                .setDeferredClose(routed.deferredClose())
                .setRebound(routed.rebound())
                .build();
    }

    static CloseSessionResponse closed(Results.Closed closed) {
        return CloseSessionResponse.newBuilder()
                .setSessionId(closed.sessionId())
                .setInstanceId(closed.instanceId() == null ? "" : closed.instanceId())
                .setEngineClose(switch (closed.engineClose()) {
                    case SCHEDULED -> EngineClose.ENGINE_CLOSE_SCHEDULED;
                    case DEFERRED -> EngineClose.ENGINE_CLOSE_DEFERRED;
                    case NONE -> EngineClose.ENGINE_CLOSE_NONE;
                })
                .build();
    }

    /** The action as the domain parses it: absent, one of its names, or a number it will refuse. */
    static String action(io.kvsession.sidecar.grpc.v1.SessionAction action) {
        return switch (action) {
            case SESSION_ACTION_UNSPECIFIED -> null;
            case SESSION_ACTION_OPEN -> "open";
            case SESSION_ACTION_BIND -> "bind";
            case SESSION_ACTION_CLOSE -> "close";
            case UNRECOGNIZED -> "unrecognized";
        };
    }

    static ListWorkersResponse workers(SessionDirectory.Workers workers) {
        ListWorkersResponse.Builder response = ListWorkersResponse.newBuilder()
                .setSessionControl(switch (workers.sessionControl()) {
                    case AVAILABLE -> SessionControlState.SESSION_CONTROL_STATE_AVAILABLE;
                    case UNAVAILABLE -> SessionControlState.SESSION_CONTROL_STATE_UNAVAILABLE;
                    case PROBING -> SessionControlState.SESSION_CONTROL_STATE_PROBING;
                });
        for (SessionDirectory.WorkerSessions sessions : workers.workers()) {
            WorkerView view = sessions.worker();
            Worker.Builder worker = Worker.newBuilder()
                    .setInstanceId(view.instance().id())
                    .setUrl(view.instance().url().toString())
                    .setProtocol(view.instance().protocol().wireName())
                    .setCircuit(circuit(view.circuit()))
                    .setCapability(view.capability().wireName())
                    .setSessions(sessions.sessions());
            view.healthy().ifPresent(worker::setHealthy);
            if (sessions.maxSessions() != null) {
                worker.setMaxSessions(sessions.maxSessions());
            }
            response.addWorkers(worker);
        }
        return response.build();
    }

    static io.kvsession.sidecar.grpc.v1.SessionEvent event(SessionEvent event) {
        return io.kvsession.sidecar.grpc.v1.SessionEvent.newBuilder()
                .setType(SessionEventType.valueOf("SESSION_EVENT_TYPE_" + event.type().name()))
                .setSessionId(event.sessionId())
                .setInstanceId(event.instanceId() == null ? "" : event.instanceId())
                .setKind(event.kind() == null ? SessionKind.SESSION_KIND_UNSPECIFIED : kind(event.kind()))
                .setContextId(event.contextId() == null ? "" : event.contextId())
                .setAt(event.at().toString())
                .setDetail(event.detail())
                .build();
    }

    private static SessionKind kind(BindingKind kind) {
        return kind.engineBacked() ? SessionKind.SESSION_KIND_ENGINE_BACKED : SessionKind.SESSION_KIND_ROUTER_ONLY;
    }

    private static CircuitState circuit(Circuit state) {
        return switch (state) {
            case CLOSED -> CircuitState.CIRCUIT_STATE_CLOSED;
            case OPEN -> CircuitState.CIRCUIT_STATE_OPEN;
            case HALF_OPEN -> CircuitState.CIRCUIT_STATE_HALF_OPEN;
        };
    }
}
