package io.kvsession.sidecar.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.lifecycle.Intake.RouteOrder;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.Results.EngineClose;
import io.kvsession.sidecar.lifecycle.Results.Routed;
import io.kvsession.sidecar.lifecycle.StickyLookup.Sticky;
import io.smallrye.mutiny.Uni;

/**
 * The per-request hook (the seed's sticky router): picks the instance for one request and applies its session
 * action. A bound session goes to its instance ({@code sticky}) unless that instance is gone, in which case the
 * binding is dropped and the router's pick is used. Then {@code open} opens on the target, {@code bind} binds, and
 * {@code close} unbinds now and holds the worker close until the request finishes.
 */
@ApplicationScoped
public class RequestRouter {

    private final Intake intake;
    private final StickyLookup sticky;
    private final SessionOpener opener;
    private final SessionBinder binder;
    private final SessionCloser closer;
    private final LifecycleRecorder recorder;

    public RequestRouter(Intake intake, StickyLookup sticky, SessionOpener opener, SessionBinder binder,
            SessionCloser closer, LifecycleRecorder recorder) {
        this.intake = intake;
        this.sticky = sticky;
        this.opener = opener;
        this.binder = binder;
        this.closer = closer;
        this.recorder = recorder;
    }

    public Uni<Routed> route(Commands.Route command) {
        return Uni.createFrom().deferred(() -> {
            RouteOrder order = intake.route(command);
            if (order.sessionId() == null) {
                return Uni.createFrom().item(new Routed(order.requirePick(), false, false, false));
            }
            long started = System.nanoTime();
            return sticky.lookup(order.sessionId(), order.contextId()).flatMap(found -> routed(order, found, started));
        });
    }

    private Uni<Routed> routed(RouteOrder order, Sticky found, long started) {
        String target = found.binding().map(Binding::instanceId).orElseGet(order::requirePick);
        boolean isSticky = found.binding().isPresent();
        boolean engine = found.binding().map(binding -> binding.kind().engineBacked()).orElse(false);
        recorder.record(new LifecycleEvent(Action.ROUTE, found.outcome(), order.sessionId(), target,
                found.binding().map(Binding::kind).orElse(null), order.contextId(), started,
                order.action() == null ? null : "action " + order.action().wireName()));
        if (order.action() == null) {
            return Uni.createFrom().item(new Routed(target, isSticky, engine, false));
        }
        String sessionId = order.sessionId();
        return switch (order.action()) {
            case OPEN -> opener.open(new Commands.Open(sessionId, target, order.timeoutSecs(), order.contextId(), null))
                    .map(opened -> new Routed(target, isSticky, opened.kind().engineBacked(), false));
            case BIND -> binder.bind(new Commands.Bind(sessionId, target, order.timeoutSecs()))
                    .map(rebound -> new Routed(target, isSticky, rebound.kind().engineBacked(), false));
            case CLOSE -> closer.close(new Commands.Close(sessionId, target, order.contextId(), order.contextId()))
                    .map(closed -> new Routed(target, isSticky, engine, closed.engineClose() == EngineClose.DEFERRED));
        };
    }
}
