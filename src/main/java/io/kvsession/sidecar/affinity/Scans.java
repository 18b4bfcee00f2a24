package io.kvsession.sidecar.affinity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Reads over every binding of a store that keeps them in memory: pages. */
final class Scans {

    private static final Comparator<Binding> BY_SESSION = Comparator.comparing(Binding::sessionId);

    private Scans() {
    }

    /**
     * Live bindings with a session id after {@code afterSessionId}, optionally of one instance, ordered by session id:
     * one pass keeping the {@code limit + 1} smallest, never a sort of the whole table.
     */
    static BindingPage page(Iterable<Binding> bindings, long nowMillis, String afterSessionId, int limit,
            String instanceId) {
        PriorityQueue<Binding> smallest = new PriorityQueue<>(limit + 1, BY_SESSION.reversed());
        for (Binding binding : bindings) {
            if (binding.expiredAt(nowMillis)
                    || (afterSessionId != null && binding.sessionId().compareTo(afterSessionId) <= 0)
                    || (instanceId != null && !instanceId.equals(binding.instanceId()))) {
                continue;
            }
            smallest.add(binding);
            if (smallest.size() > limit + 1) {
                smallest.poll();
            }
        }
        boolean more = smallest.size() > limit;
        if (more) {
            smallest.poll();
        }
        List<Binding> page = new ArrayList<>(smallest);
        page.sort(BY_SESSION);
        return new BindingPage(page, more);
    }
}
