package io.kvsession.sidecar.affinity;

import java.util.Comparator;
import java.util.Iterator;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The table's deadline index: one entry per binding, at its review time, ordered by it, so that a sweep touches only
 * the entries that are due.
 */
final class Deadlines {

    /** One binding's entry. */
    record Due(long atMillis, String sessionId) {
        static final Comparator<Due> ORDER = Comparator.comparingLong(Due::atMillis).thenComparing(Due::sessionId);
    }

    private final ConcurrentSkipListSet<Due> index = new ConcurrentSkipListSet<>(Due.ORDER);

    void add(long atMillis, String sessionId) {
        index.add(new Due(atMillis, sessionId));
    }

    void remove(long atMillis, String sessionId) {
        index.remove(new Due(atMillis, sessionId));
    }

    void remove(Due due) {
        index.remove(due);
    }

    /** The earliest entry if it is due by {@code nowMillis}, else null. */
    Due firstDue(long nowMillis) {
        Iterator<Due> ordered = index.iterator();
        if (!ordered.hasNext()) {
            return null;
        }
        Due first = ordered.next();
        return first.atMillis() <= nowMillis ? first : null;
    }
}
