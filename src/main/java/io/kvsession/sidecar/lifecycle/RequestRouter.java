package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.config.AffinityMode;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.WorkerRegistry;
import io.kvsession.sidecar.lifecycle.Intake.RouteOrder;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.kvsession.sidecar.lifecycle.Results.EngineClose;
import io.kvsession.sidecar.lifecycle.Results.Routed;
import io.kvsession.sidecar.lifecycle.StickyLookup.Sticky;
import io.smallrye.mutiny.Uni;

/**
 * The per-request hook (the seed's sticky router, and SPEC §9): picks the instance for one request and applies its
 * session action. A bound session goes to its instance ({@code sticky}); when that worker cannot serve, hard affinity
 * refuses the request (503 naming it), soft affinity moves the session to the router's pick ({@code rebound}), and
 * the seed's rule drops a gone worker's binding for the pick. An unbound child goes to its parent's worker. Then
 * {@code open} opens on the target, {@code bind} binds, and {@code close} unbinds now and holds the worker close until
 * the request finishes; a session named by headers is opened when unbound and closed after a final request. The
 * request then holds its session's binding until it finishes.
 */
@ApplicationScoped
public class RequestRouter {

    private static final Logger LOG = Logger.getLogger(RequestRouter.class);

    private final Intake intake;
    private final StickyLookup sticky;
    private final SessionOpener opener;
    private final SessionBinder binder;
    private final SessionCloser closer;
    private final AffinityStore store;
    private final WorkerRegistry registry;
    private final LifecycleRecorder recorder;
    private final Duration guard;

    public RequestRouter(Intake intake, StickyLookup sticky, SessionOpener opener, SessionBinder binder,
            SessionCloser closer, AffinityStore store, WorkerRegistry registry, LifecycleRecorder recorder,
            SidecarConfig config) {
        this.intake = intake;
        this.sticky = sticky;
        this.opener = opener;
        this.binder = binder;
        this.closer = closer;
        this.store = store;
        this.registry = registry;
        this.recorder = recorder;
        this.guard = config.guard().maxWait();
    }

    public Uni<Routed> route(Commands.Route command) {
        return Uni.createFrom().deferred(() -> {
            RouteOrder order = intake.route(command);
            if (order.sessionId() == null) {
                return Uni.createFrom().item(new Routed(order.requirePick(), false, false, false, false));
            }
            long started = System.nanoTime();
            return sticky.lookup(order.sessionId(), order.contextId(), order.mode())
                    .flatMap(found -> found.binding().isPresent() ? bound(order, found, started)
                            : unbound(order, found.outcome(), started))
                    .call(routed -> hold(order));
        });
    }

    private Uni<Routed> bound(RouteOrder order, Sticky found, long started) {
        Binding binding = found.binding().orElseThrow();
        Optional<String> unavailable = found.unavailable();
        if (unavailable.isEmpty() || binding.instanceId().equals(order.pick())) {
            record(order, Outcome.STICKY_HIT, binding.instanceId(), started, null);
            return act(order, binding.instanceId(), true, binding.kind().engineBacked(), false);
        }
        String why = "session '" + order.sessionId() + "' is bound to instance '" + binding.instanceId()
                + "', which is " + unavailable.get();
        if (order.mode() == AffinityMode.HARD) {
            record(order, Outcome.HARD_REFUSED, binding.instanceId(), started, why);
            throw new SidecarException(Failure.WORKER_UNAVAILABLE, why + " (hard affinity: the session is not moved); "
                    + "retry once it recovers, route with affinity_mode soft to move the session, or close it");
        }
        String target = order.requirePick();
        record(order, Outcome.MOVED, target, started, why + "; soft affinity moves it to the router's pick");
        if (order.action() == SessionAction.CLOSE) {
            return act(order, target, false, false, false);
        }
        return opener.move(binding, target, order.contextId(), started)
                .flatMap(moved -> act(order, moved.instanceId(), false, moved.kind().engineBacked(), true));
    }

    /** Unbound: a child goes to its parent's worker, anything else to the router's pick. */
    private Uni<Routed> unbound(RouteOrder order, Outcome outcome, long started) {
        Uni<Optional<String>> parents = order.parentSessionId() == null || outcome == Outcome.STORE_DOWN
                ? Uni.createFrom().item(Optional.empty())
                : store.peek(order.parentSessionId()).map(parent -> parent.map(Binding::instanceId)
                        .filter(instanceId -> registry.unavailable(instanceId).isEmpty()));
        return parents.flatMap(parentWorker -> {
            String target = parentWorker.orElseGet(order::requirePick);
            record(order, outcome, target, started, parentWorker.map(id -> "the parent session's worker")
                    .orElse(null));
            if (order.named() && outcome != Outcome.STORE_DOWN) {
                // A session named by headers opens when unbound; the final request of an unbound one closes nothing.
                return order.action() == SessionAction.CLOSE
                        ? Uni.createFrom().item(new Routed(target, false, false, false, false))
                        : open(order, target, false, false);
            }
            return act(order, target, false, false, false);
        });
    }

    private Uni<Routed> act(RouteOrder order, String target, boolean isSticky, boolean engine, boolean rebound) {
        if (order.action() == null) {
            return Uni.createFrom().item(new Routed(target, isSticky, engine, false, rebound));
        }
        String sessionId = order.sessionId();
        return switch (order.action()) {
            case OPEN -> open(order, target, isSticky, rebound);
            case BIND -> binder.bind(new Commands.Bind(sessionId, target, order.timeoutSecs(), order.parentSessionId()))
                    .map(bound -> new Routed(target, isSticky, bound.kind().engineBacked(), false, rebound));
            case CLOSE -> closer.close(new Commands.Close(sessionId, target, order.contextId(), order.contextId()))
                    .map(closed -> new Routed(target, isSticky, engine, closed.engineClose() == EngineClose.DEFERRED,
                            rebound));
        };
    }

    /** Opens on the target; under soft affinity a full target gives way to the worker admission suggests. */
    private Uni<Routed> open(RouteOrder order, String target, boolean isSticky, boolean rebound) {
        return openOn(order, target)
                .onFailure(AdmissionException.class).recoverWithUni(failure -> {
                    Optional<String> suggested = ((AdmissionException) failure).suggestedInstanceId();
                    return order.mode() == AffinityMode.SOFT && suggested.isPresent()
                            ? openOn(order, suggested.get()) : Uni.createFrom().failure(failure);
                })
                .map(opened -> new Routed(opened.instanceId(), isSticky && opened.instanceId().equals(target),
                        opened.kind().engineBacked(), false, rebound));
    }

    private Uni<Binding> openOn(RouteOrder order, String target) {
        return opener.open(new Commands.Open(order.sessionId(), target, order.timeoutSecs(), order.contextId(), null,
                order.parentSessionId()));
    }

    /** The request holds its session's binding until it finishes; a store that cannot be written loses only that. */
    private Uni<Void> hold(RouteOrder order) {
        if (order.contextId() == null || order.action() == SessionAction.CLOSE) {
            return Uni.createFrom().voidItem();
        }
        return store.hold(order.sessionId(), order.contextId(), guard)
                .onFailure().invoke(failure -> LOG.debugf("action=hold outcome=failed session_id=%s request_id=%s: %s",
                        order.sessionId(), order.contextId(), failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void record(RouteOrder order, Outcome outcome, String target, long started, String detail) {
        String action = order.action() == null ? (order.named() ? "named by headers" : null)
                : "action " + order.action().wireName();
        recorder.record(new LifecycleEvent(Action.ROUTE, outcome, order.sessionId(), target, null, order.contextId(),
                started, detail == null ? action : action == null ? detail : action + "; " + detail));
    }
}
