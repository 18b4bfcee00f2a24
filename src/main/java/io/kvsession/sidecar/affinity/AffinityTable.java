package io.kvsession.sidecar.affinity;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** What a bind did: the binding now in place and the live one it replaced, if any. */
    public record Bound(Binding binding, Optional<Binding> replaced) {
    }

    /** One page of bindings ordered by session id. */
    public record Page(List<Binding> bindings, boolean more) {
    }

    private final ConcurrentHashMap<String, Binding> bindings = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Deadline> deadlines = new ConcurrentSkipListSet<>(Deadline.ORDER);
    private final Map<BindingKind, AtomicInteger> counts = new EnumMap<>(BindingKind.class);
    private final AtomicInteger size = new AtomicInteger();
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
        for (BindingKind kind : BindingKind.values()) {
            counts.put(kind, new AtomicInteger());
        }
    }

    /**
     * Binds the session to the instance, replacing any previous binding with a new revision.
     *
     * @throws TableFullException when the session is new and the table holds {@code maxEntries} live bindings
     */
    public Bound bind(String sessionId, String instanceId, BindingKind kind, Duration timeout) {
        if (!bindings.containsKey(sessionId) && size.get() >= maxEntries) {
            reap();
        }
        long now = clock.millis();
        Binding[] previous = new Binding[1];
        Binding bound = bindings.compute(sessionId, (id, old) -> {
            if (old == null && size.get() >= maxEntries) {
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
            counted(old, fresh);
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
    public Page page(String afterSessionId, int limit, String instanceId) {
        long now = clock.millis();
        Comparator<Binding> bySession = Comparator.comparing(Binding::sessionId);
        PriorityQueue<Binding> smallest = new PriorityQueue<>(limit + 1, bySession.reversed());
        for (Binding binding : bindings.values()) {
            if (binding.expiredAt(now)
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
        page.sort(bySession);
        return new Page(page, more);
    }

    /** The bindings of one instance, expired ones not swept yet included; a scan of the whole table. */
    public List<Binding> bindingsOf(String instanceId) {
        return bindings.values().stream().filter(binding -> binding.instanceId().equals(instanceId)).toList();
    }

    /** Number of live bindings per instance id, in one pass. */
    public Map<String, Integer> countByInstance() {
        long now = clock.millis();
        Map<String, Integer> counts = new HashMap<>();
        for (Binding binding : bindings.values()) {
            if (!binding.expiredAt(now)) {
                counts.merge(binding.instanceId(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Bindings held, including expired ones not swept yet. */
    public int size() {
        return size.get();
    }

    public int count(BindingKind kind) {
        return counts.get(kind).get();
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
        counted(gone, null);
    }

    /** Keeps the counters in step with one session's change; runs inside compute. */
    private void counted(Binding old, Binding fresh) {
        if (old != null) {
            counts.get(old.kind()).decrementAndGet();
        }
        if (fresh != null) {
            counts.get(fresh.kind()).incrementAndGet();
        }
        if (old == null && fresh != null) {
            size.incrementAndGet();
        } else if (old != null && fresh == null) {
            size.decrementAndGet();
        }
    }
}
