package io.kvsession.sidecar.lifecycle;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.config.SidecarConfig;

/**
 * Where every lifecycle call enters: its fields checked (SPEC §3.6; each failure names the wire field, and nothing
 * has changed yet), defaults applied, and the call refused while the sidecar shuts down.
 */
@ApplicationScoped
public class Intake {

    /** A checked open. */
    public record OpenOrder(String sessionId, String instanceId, Duration ttl, int capacity, String contextId) {
    }

    /** A checked bind. */
    public record BindOrder(String sessionId, String instanceId, Duration ttl) {
    }

    /**
     * A checked close.
     *
     * @param ttl the TTL assumed for a session that is not bound here
     */
    public record CloseOrder(String sessionId, String instanceId, String contextId, String afterContextId,
            Duration ttl) {
    }

    /** A checked route; {@code sessionId} is null for a request outside any session. */
    public record RouteOrder(String contextId, String pick, String sessionId, SessionAction action, Long timeoutSecs) {

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

    public Intake(LifecycleGate gate, SidecarConfig config) {
        this.gate = gate;
        this.defaults = config.session();
    }

    public OpenOrder open(Commands.Open command) {
        OpenOrder order = new OpenOrder(Inputs.requireId("session_id", command.sessionId()),
                Inputs.requireId("instance_id", command.instanceId()),
                Inputs.timeout("timeout_secs", command.timeoutSecs(), defaults.defaultTimeout()),
                Inputs.capacity(command.capacityOfStrLen(), defaults.capacityOfStrLen()),
                Inputs.optionalId("context_id", command.contextId()));
        gate.check();
        return order;
    }

    public BindOrder bind(Commands.Bind command) {
        BindOrder order = new BindOrder(Inputs.requireId("session_id", command.sessionId()),
                Inputs.requireId("instance_id", command.instanceId()),
                Inputs.timeout("timeout_secs", command.timeoutSecs(), defaults.defaultTimeout()));
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
        Commands.SessionDirective directive = command.session();
        if (directive == null) {
            return new RouteOrder(contextId, pick, null, null, null);
        }
        String sessionId = Inputs.requireId("session_control.session_id", directive.sessionId());
        SessionAction action = SessionAction.parse(directive.action());
        Inputs.timeout("session_control.timeout", directive.timeout(), null);
        if (action == SessionAction.CLOSE && contextId == null) {
            throw SidecarException.invalid("context_id", "is required when session_control.action is close, "
                    + "so that the close can wait for the request to finish");
        }
        gate.check();
        return new RouteOrder(contextId, pick, sessionId, action, directive.timeout());
    }

    /** A finish is taken even while shutting down: it releases closes. */
    public String finish(String contextId) {
        return Inputs.requireId("context_id", contextId);
    }
}
