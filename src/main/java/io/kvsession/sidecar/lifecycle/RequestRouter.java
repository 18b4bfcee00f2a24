package io.kvsession.sidecar.lifecycle;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.lifecycle.LifecycleJournal.Severity;
import io.kvsession.sidecar.lifecycle.Results.EngineClose;
import io.kvsession.sidecar.lifecycle.Results.Finished;
import io.kvsession.sidecar.lifecycle.Results.Routed;
import io.smallrye.mutiny.Uni;

/**
 * The per-request hook (the seed's sticky router): picks the instance for one request and applies its session
 * action; {@link #finish} releases the closes that waited for the request.
 */
@ApplicationScoped
public class RequestRouter {

    private final AffinityTable table;
    private final Bindings bindings;
    private final SessionLifecycle lifecycle;
    private final DeferredCloses deferred;
    private final SessionEvents events;
    private final LifecycleJournal journal;
    private final LifecycleGate gate;

    public RequestRouter(AffinityTable table, Bindings bindings, SessionLifecycle lifecycle, DeferredCloses deferred,
            SessionEvents events, LifecycleJournal journal, LifecycleGate gate) {
        this.table = table;
        this.bindings = bindings;
        this.lifecycle = lifecycle;
        this.deferred = deferred;
        this.events = events;
        this.journal = journal;
        this.gate = gate;
    }

    /**
     * A bound session goes to its instance ({@code sticky}) unless that instance is gone, in which case the binding is
     * dropped and the router's pick is used. Then {@code open} opens on the target, {@code bind} binds, and
     * {@code close} unbinds now and holds the worker close until {@code finish(context_id)}.
     */
    public Uni<Routed> route(Commands.Route command) {
        String pick = Inputs.optionalId("instance_id", command.instanceId());
        String contextId = Inputs.optionalId("context_id", command.contextId());
        Commands.SessionControl control = command.sessionControl();
        if (control == null) {
            return Uni.createFrom().item(new Routed(requirePick(pick), false, false, false));
        }
        String sessionId = Inputs.requireId("session_control.session_id", control.sessionId());
        SessionAction action = SessionAction.parse(control.action());
        Inputs.timeout("session_control.timeout", control.timeout(), null);
        if (action == SessionAction.CLOSE && contextId == null) {
            throw SidecarException.invalid("context_id", "is required when session_control.action is close, "
                    + "so that the close can wait for the request to finish");
        }
        gate.check();
        long started = System.nanoTime();
        return lifecycle.afterOpening(sessionId).flatMap(ignored -> {
            Optional<Binding> bound = table.touch(sessionId);
            String outcome = bound.isPresent() ? "sticky_hit" : "sticky_miss";
            if (bound.isPresent() && bindings.gone(bound.get().instanceId())) {
                Binding stale = bound.get();
                if (table.unbind(sessionId, stale.revision())) {
                    events.publish(SessionEvent.Type.CLOSED, stale, contextId, "instance " + stale.instanceId()
                            + " is gone");
                }
                bound = Optional.empty();
                outcome = "rebound";
            }
            String target = bound.map(Binding::instanceId).orElseGet(() -> requirePick(pick));
            boolean sticky = bound.isPresent();
            boolean engine = bound.map(binding -> binding.kind().engineBacked()).orElse(false);
            journal.record("route", outcome, Severity.NORMAL, sessionId, target, contextId, started,
                    action == null ? null : "action " + action.name().toLowerCase());
            if (action == null) {
                return Uni.createFrom().item(new Routed(target, sticky, engine, false));
            }
            return switch (action) {
                case OPEN -> lifecycle.open(new Commands.Open(sessionId, target, control.timeout(), contextId, null))
                        .map(opened -> new Routed(target, sticky, opened.kind().engineBacked(), false));
                case BIND -> lifecycle.bind(new Commands.Bind(sessionId, target, control.timeout()))
                        .map(rebound -> new Routed(target, sticky, rebound.kind().engineBacked(), false));
                case CLOSE -> lifecycle.close(new Commands.Close(sessionId, target, contextId, contextId))
                        .map(closed -> new Routed(target, sticky, engine,
                                closed.engineClose() == EngineClose.DEFERRED));
            };
        });
    }

    /** The request finished (success, error or cancel alike): its deferred closes start now. */
    public Uni<Finished> finish(String contextId) {
        Inputs.requireId("context_id", contextId);
        List<String> closing = deferred.finish(contextId);
        journal.record("finish", "ok", Severity.NORMAL, null, null, contextId, 0,
                closing.isEmpty() ? null : "closing " + closing.size() + " session(s)");
        return Uni.createFrom().item(new Finished(contextId, closing));
    }

    private static String requirePick(String pick) {
        if (pick == null) {
            throw SidecarException.invalid("instance_id", "is required when the session is not bound to an instance");
        }
        return pick;
    }
}
