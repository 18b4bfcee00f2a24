package io.kvsession.sidecar.affinity;

/** A bind the store's limits refuse; nothing changed. */
public final class BindRefusedException extends RuntimeException {

    /** Which limit. */
    public enum Reason {
        /** The store holds its maximum of bindings, none of them expired. */
        TABLE_FULL,
        /** The instance holds its maximum of sessions. */
        INSTANCE_FULL,
        /** The named parent session is not bound. */
        PARENT_UNBOUND,
        /** The parent is already as deep in its tree as a parent may be. */
        TOO_DEEP,
        /** The parent has its maximum of children. */
        TOO_MANY_CHILDREN
    }

    private final Reason reason;

    private BindRefusedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public static BindRefusedException tableFull(int maxEntries) {
        return new BindRefusedException(Reason.TABLE_FULL, "the affinity table is full (" + maxEntries
                + " bindings); retry after sessions close or expire");
    }

    public static BindRefusedException instanceFull(String instanceId, int max) {
        return new BindRefusedException(Reason.INSTANCE_FULL, "instance '" + instanceId + "' holds its maximum of "
                + max + " sessions (kvsession.admission.max-sessions-per-instance)");
    }

    public static BindRefusedException parentUnbound(String parentSessionId) {
        return new BindRefusedException(Reason.PARENT_UNBOUND, "parent session '" + parentSessionId
                + "' is not bound (never opened, closed, or expired)");
    }

    public static BindRefusedException tooDeep(String parentSessionId, int maxDepth) {
        return new BindRefusedException(Reason.TOO_DEEP, "parent session '" + parentSessionId + "' is already "
                + maxDepth + " levels below its root; sessions nest at most " + maxDepth + " deep "
                + "(kvsession.agents.max-depth)");
    }

    public static BindRefusedException tooManyChildren(String parentSessionId, int maxChildren) {
        return new BindRefusedException(Reason.TOO_MANY_CHILDREN, "parent session '" + parentSessionId + "' has its "
                + "maximum of " + maxChildren + " child sessions (kvsession.agents.max-children); close some first");
    }
}
