package io.kvsession.sidecar.affinity;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session → instance bindings with a sliding TTL.
 * <p>
 * Every change of one session runs inside {@link ConcurrentHashMap#compute}, so a session's binding and its entry in
 * the deadline index change together. The index holds one entry per binding, at its {@code reviewAtMillis}, and is
 * ordered by it, so a sweep touches only entries that are due. A touch only pushes the binding's deadline back and
 * leaves the index alone (it is the hot path: every routed request touches its session); when a renewed binding's
 * entry comes due, the sweep moves it to the new deadline — once per TTL, however often it was touched. Expired
 * bindings leave the table either lazily (on lookup) or through {@link #reap()}, and the {@link ExpiryListener}
 * hears of each exactly once, outside any lock.
 */
public final class AffinityTable {

    private record Deadline(long atMillis, String sessionId) {
        static final Comparator<Deadline> ORDER = Comparator.comparingLong(Deadline::atMillis)
                .thenComparing(Deadline::sessionId);
    }

    private final ConcurrentHashMap<String, Binding> bindings = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Deadline> deadlines = new ConcurrentSkipListSet<>(Deadline.ORDER);
    private final BindingCounts counts = new BindingCounts();
    private final AtomicLong revisions = new AtomicLong();
    private final Clock clock;
    private final int maxEntries;
    private final ExpiryListener listener;

    public AffinityTable(Clock clock, int maxEntries, ExpiryListener listener) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.listener = listener;
    }

    /**
     * Binds the session to the instance, replacing any previous binding with a new revision.
     *
     * @throws TableFullException when the session is new and the table holds {@code maxEntries} live bindings
     */
    public Bound bind(String sessionId, String instanceId, BindingKind kind, Duration timeout) {
        if (!bindings.containsKey(sessionId) && counts.size() >= maxEntries) {
            reap();
        }
        long now = clock.millis();
        Binding[] previous = new Binding[1];
        Binding bound = bindings.compute(sessionId, (id, old) -> {
            if (old == null && counts.size() >= maxEntries) {
                throw new TableFullException(maxEntries);
            }
            previous[0] = old;
            long expiresAt = now + timeout.toMillis();
            long reviewAt = old != null && old.reviewAtMillis() <= expiresAt ? old.reviewAtMillis() : expiresAt;
            Binding fresh = new Binding(id, instanceId, kind, timeout.toMillis(), expiresAt,
                    revisions.incrementAndGet(), reviewAt);
            if (old != null && reviewAt != old.reviewAtMillis()) {
                deadlines.remove(new Deadline(old.reviewAtMillis(), id));
            }
            if (old == null || reviewAt != old.reviewAtMillis()) {
                deadlines.add(new Deadline(reviewAt, id));
            }
            counts.changed(old, fresh);
            return fresh;
        });
        Binding old = previous[0];
        if (old != null && old.expiredAt(now)) {
            listener.expired(old);
            return new Bound(bound, Optional.empty());
        }
        return new Bound(bound, Optional.ofNullable(old));
    }

    /** The live binding of the session, without renewing it; an expired one is removed and reported. */
    public Optional<Binding> peek(String sessionId) {
        Binding binding = bindings.get(sessionId);
        if (binding == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (binding.expiredAt(now)) {
            expire(sessionId, now);
            return Optional.empty();
        }
        return Optional.of(binding);
    }

    /** Renews the session's TTL from now; empty when the session is unbound or had already expired. */
    public Optional<Binding> touch(String sessionId) {
        long now = clock.millis();
        Binding[] lapsed = new Binding[1];
        Binding renewed = bindings.computeIfPresent(sessionId, (id, current) -> {
            if (current.expiredAt(now)) {
                lapsed[0] = current;
                removed(current);
                return null;
            }
            return current.renewedAt(now);
        });
        if (lapsed[0] != null) {
            listener.expired(lapsed[0]);
        }
        return Optional.ofNullable(renewed);
    }

    /** Removes the session's binding, expired or not, and returns it. */
    public Optional<Binding> unbind(String sessionId) {
        Binding[] removed = new Binding[1];
        bindings.computeIfPresent(sessionId, (id, current) -> {
            removed[0] = current;
            removed(current);
            return null;
        });
        return Optional.ofNullable(removed[0]);
    }

    /** Whether a new session fits, after sweeping what has expired. */
    public boolean hasRoom() {
        return counts.size() < maxEntries || reap() > 0 || counts.size() < maxEntries;
    }

    /** Removes the binding only if it is still the given revision. */
    public boolean unbind(String sessionId, long revision) {
        boolean[] removed = new boolean[1];
        bindings.computeIfPresent(sessionId, (id, current) -> {
            if (current.revision() != revision) {
                return current;
            }
            removed[0] = true;
            removed(current);
            return null;
        });
        return removed[0];
    }

    /**
     * Removes every binding whose deadline has passed, and moves renewed ones to their new deadline; costs
     * O((expired + renewed-and-due) · log n), never a scan of the table.
     */
    public int reap() {
        long now = clock.millis();
        int expired = 0;
        Deadline due;
        while ((due = firstDue(now)) != null) {
            if (review(due, now)) {
                expired++;
            }
            deadlines.remove(due);
        }
        return expired;
    }

    /** Live bindings with a session id after {@code afterSessionId}, optionally of one instance. */
    public BindingPage page(String afterSessionId, int limit, String instanceId) {
        return Scans.page(bindings.values(), clock.millis(), afterSessionId, limit, instanceId);
    }

    /** The bindings of one instance, expired ones not swept yet included; a scan of the whole table. */
    public List<Binding> bindingsOf(String instanceId) {
        return bindings.values().stream().filter(binding -> binding.instanceId().equals(instanceId)).toList();
    }

    /** Number of live bindings per instance id, in one pass. */
    public Map<String, Integer> countByInstance() {
        return Scans.countByInstance(bindings.values(), clock.millis());
    }

    /** Bindings held, including expired ones not swept yet. */
    public int size() {
        return counts.size();
    }

    public int count(BindingKind kind) {
        return counts.of(kind);
    }

    public int maxEntries() {
        return maxEntries;
    }

    private Deadline firstDue(long now) {
        Iterator<Deadline> ordered = deadlines.iterator();
        if (!ordered.hasNext()) {
            return null;
        }
        Deadline first = ordered.next();
        return first.atMillis() <= now ? first : null;
    }

    private boolean expire(String sessionId, long now) {
        Binding[] lapsed = new Binding[1];
        bindings.computeIfPresent(sessionId, (id, current) -> {
            if (!current.expiredAt(now)) {
                return current;
            }
            lapsed[0] = current;
            removed(current);
            return null;
        });
        if (lapsed[0] == null) {
            return false;
        }
        listener.expired(lapsed[0]);
        return true;
    }

    /** A due index entry: the binding expired (removed, reported), or was renewed (moved to its new deadline). */
    private boolean review(Deadline due, long now) {
        Binding[] lapsed = new Binding[1];
        bindings.computeIfPresent(due.sessionId(), (id, current) -> {
            if (current.reviewAtMillis() != due.atMillis()) {
                return current;
            }
            if (current.expiredAt(now)) {
                lapsed[0] = current;
                removed(current);
                return null;
            }
            deadlines.add(new Deadline(current.expiresAtMillis(), id));
            return current.reviewedAt(current.expiresAtMillis());
        });
        if (lapsed[0] == null) {
            return false;
        }
        listener.expired(lapsed[0]);
        return true;
    }

    /** A binding leaves the table: its index entry and its count go with it; runs inside compute. */
    private void removed(Binding gone) {
        deadlines.remove(new Deadline(gone.reviewAtMillis(), gone.sessionId()));
        counts.changed(gone, null);
    }
}
