package io.kvsession.sidecar.affinity;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The children of each parent session, kept as children are bound and leave; an empty set leaves with its last. */
final class Children {

    private final ConcurrentHashMap<String, Set<String>> byParent = new ConcurrentHashMap<>();

    void link(String parentSessionId, String sessionId) {
        byParent.computeIfAbsent(parentSessionId, id -> ConcurrentHashMap.newKeySet()).add(sessionId);
    }

    void unlink(String parentSessionId, String sessionId) {
        byParent.computeIfPresent(parentSessionId, (id, children) -> {
            children.remove(sessionId);
            return children.isEmpty() ? null : children;
        });
    }

    /** Whether one more child fits under the parent: {@code sessionId} is one already, or there is room. */
    boolean fits(String parentSessionId, String sessionId, int maxChildren) {
        Set<String> children = byParent.get(parentSessionId);
        return children == null || children.contains(sessionId) || children.size() < maxChildren;
    }

    /** Ordered by id. */
    List<String> of(String parentSessionId) {
        Set<String> children = byParent.get(parentSessionId);
        return children == null ? List.of() : children.stream().sorted().toList();
    }
}
