package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.config.AffinityMode;
import io.kvsession.sidecar.config.SidecarConfig;

/**
 * Where every lifecycle call enters: its fields checked (SPEC §3.6; each failure names the wire field, and nothing
 * has changed yet), defaults applied, and the call refused while the sidecar shuts down.
 */
@ApplicationScoped
public class Intake {

    /** A checked open; {@code parentSessionId} null keeps the session's parent, if it has one. */
    public record OpenOrder(String sessionId, String instanceId, Duration ttl, int capacity, String contextId,
            String parentSessionId) {
    }

    /** A checked bind. */
    public record BindOrder(String sessionId, String instanceId, Duration ttl, String parentSessionId) {
    }

    /**
     * A checked close.
     *
     * @param ttl the TTL assumed for a session that is not bound here
     */
    public record CloseOrder(String sessionId, String instanceId, String contextId, String afterContextId,
            Duration ttl) {
    }

    /**
     * A checked route; {@code sessionId} is null for a request outside any session.
     *
     * @param mode how hard the session sticks; null for the seed's rule (a gone worker's binding is dropped)
     * @param named whether headers named the session: then an unbound session is opened on its target
     */
    public record RouteOrder(String contextId, String pick, String sessionId, SessionAction action, Long timeoutSecs,
            String parentSessionId, AffinityMode mode, boolean named) {

        /** The router's pick, required where the session does not decide the instance. */
        public String requirePick() {
            if (pick == null) {
                throw SidecarException.invalid("instance_id", "is required when the session is not bound to an "
                        + "instance");
            }
            return pick;
        }
    }

    private final LifecycleGate gate;
    private final SidecarConfig.Session defaults;
    private final SessionHeaders headers;
    private final Optional<AffinityMode> configuredMode;

    public Intake(LifecycleGate gate, SidecarConfig config) {
        this.gate = gate;
        this.defaults = config.session();
        this.headers = new SessionHeaders(config.routing());
        this.configuredMode = config.routing().affinityMode();
    }

    public OpenOrder open(Commands.Open command) {
        OpenOrder order = new OpenOrder(Inputs.requireId("session_id", command.sessionId()),
                Inputs.requireId("instance_id", command.instanceId()),
                Inputs.timeout("timeout_secs", command.timeoutSecs(), defaults.defaultTimeout()),
                Inputs.capacity(command.capacityOfStrLen(), defaults.capacityOfStrLen()),
                Inputs.optionalId("context_id", command.contextId()),
                parent(command.sessionId(), command.parentSessionId()));
        gate.check();
        return order;
    }

    public BindOrder bind(Commands.Bind command) {
        BindOrder order = new BindOrder(Inputs.requireId("session_id", command.sessionId()),
                Inputs.requireId("instance_id", command.instanceId()),
                Inputs.timeout("timeout_secs", command.timeoutSecs(), defaults.defaultTimeout()),
                parent(command.sessionId(), command.parentSessionId()));
        gate.check();
        return order;
    }

    public CloseOrder close(Commands.Close command) {
        CloseOrder order = new CloseOrder(Inputs.requireId("session_id", command.sessionId()),
                Inputs.optionalId("instance_id", command.instanceId()),
                Inputs.optionalId("context_id", command.contextId()),
                Inputs.optionalId("after_context_id", command.afterContextId()), defaults.defaultTimeout());
        gate.check();
        return order;
    }

    public RouteOrder route(Commands.Route command) {
        String pick = Inputs.optionalId("instance_id", command.instanceId());
        String contextId = Inputs.optionalId("context_id", command.contextId());
        AffinityMode asked = AffinityMode.parse("affinity_mode", command.affinityMode());
        String parent = Inputs.optionalId("parent_session_id", command.parentSessionId());
        Commands.SessionDirective directive = command.session();
        if (directive == null) {
            return byHeaders(command, contextId, pick, asked, parent);
        }
        String sessionId = Inputs.requireId("session_control.session_id", directive.sessionId());
        SessionAction action = SessionAction.parse(directive.action());
        Inputs.timeout("session_control.timeout", directive.timeout(), null);
        String directed = Inputs.optionalId("session_control.parent_session_id", directive.parentSessionId());
        if (parent != null && directed != null && !parent.equals(directed)) {
            throw SidecarException.invalid("session_control.parent_session_id", "is '" + directed
                    + "' while parent_session_id is '" + parent + "'; give one, or the same");
        }
        requireContextToClose(action, contextId, "session_control.action is close");
        gate.check();
        return new RouteOrder(contextId, pick, sessionId, action, directive.timeout(),
                notSelf(sessionId, directed != null ? directed : parent), asked != null ? asked
                        : configuredMode.orElse(null), false);
    }

    /** No {@code session_control}: the headers may name the session (SPEC §9.1). */
    private RouteOrder byHeaders(Commands.Route command, String contextId, String pick, AffinityMode asked,
            String parent) {
        SessionHeaders.Named named = command.headers() == null ? null : headers.read(command.headers());
        if (named == null || named.sessionId() == null) {
            return new RouteOrder(contextId, pick, null, null, null, null, null, false);
        }
        SessionAction action = named.last() ? SessionAction.CLOSE : null;
        requireContextToClose(action, contextId, "a final header says true");
        gate.check();
        return new RouteOrder(contextId, pick, named.sessionId(), action, null,
                notSelf(named.sessionId(), parent != null ? parent : named.parentSessionId()),
                asked != null ? asked : configuredMode.orElse(AffinityMode.HARD), true);
    }

    private static void requireContextToClose(SessionAction action, String contextId, String why) {
        if (action == SessionAction.CLOSE && contextId == null) {
            throw SidecarException.invalid("context_id", "is required when " + why + ", so that the close can "
                    + "wait for the request to finish");
        }
    }

    /** The parent named for a session, checked; a session cannot be its own parent. */
    private static String parent(String sessionId, String parentSessionId) {
        return notSelf(sessionId, Inputs.optionalId("parent_session_id", parentSessionId));
    }

    private static String notSelf(String sessionId, String parentSessionId) {
        if (parentSessionId != null && parentSessionId.equals(sessionId)) {
            throw SidecarException.invalid("parent_session_id", "must name another session, not '" + sessionId
                    + "' itself");
        }
        return parentSessionId;
    }

    /** A finish is taken even while shutting down: it releases closes. */
    public String finish(String contextId) {
        return Inputs.requireId("context_id", contextId);
    }
}
