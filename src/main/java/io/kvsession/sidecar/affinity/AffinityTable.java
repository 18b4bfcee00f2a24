package io.kvsession.sidecar.affinity;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

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
 * <p>
 * Beside the bindings: the children of each parent session, the requests in flight that hold bindings (by context,
 * each with its guard deadline), and the sessions per instance, counted as bindings change so that admission and
 * {@code /v1/workers} never scan the table.
 */
public final class AffinityTable {

    private final ConcurrentHashMap<String, Binding> bindings = new ConcurrentHashMap<>();
    private final Deadlines deadlines = new Deadlines();
    private final Children children = new Children();
    private final Holds holds = new Holds();
    private final BindingCounts counts = new BindingCounts();
    private final AtomicLong revisions = new AtomicLong();
    private final Clock clock;
    private final Limits limits;
    private final ExpiryListener listener;

    public AffinityTable(Clock clock, Limits limits, ExpiryListener listener) {
        this.clock = clock;
        this.limits = limits;
        this.listener = listener;
    }

    /**
     * Binds the session to the instance, replacing any previous binding with a new revision. A child names its
     * parent, which must be bound; without one, a rebind keeps the parent the session had. Requests in flight stay
     * counted while the session stays on the same instance.
     *
     * @throws BindRefusedException when a limit refuses it — the table or the instance is full (after sweeping what
     *         expired), the parent is unbound, too deep, or has its maximum of children
     */
    public Bound bind(String sessionId, String instanceId, BindingKind kind, Duration timeout,
            String parentSessionId) {
        try {
            return bindOnce(sessionId, instanceId, kind, timeout, parentSessionId);
        } catch (BindRefusedException refused) {
            boolean full = refused.reason() == BindRefusedException.Reason.TABLE_FULL
                    || refused.reason() == BindRefusedException.Reason.INSTANCE_FULL;
            if (full && reap() > 0) {
                return bindOnce(sessionId, instanceId, kind, timeout, parentSessionId);
            }
            throw refused;
        }
    }

    private Bound bindOnce(String sessionId, String instanceId, BindingKind kind, Duration timeout,
            String parentSessionId) {
        Binding parent = parentSessionId == null ? null : parentOf(sessionId, parentSessionId);
        long now = clock.millis();
        Binding[] previous = new Binding[1];
        Binding bound = bindings.compute(sessionId, (id, old) -> {
            if (old == null && counts.size() >= limits.maxEntries()) {
                throw BindRefusedException.tableFull(limits.maxEntries());
            }
            Binding live = old != null && !old.expiredAt(now) ? old : null;
            long expiresAt = now + timeout.toMillis();
            long reviewAt = old != null && old.reviewAtMillis() <= expiresAt ? old.reviewAtMillis() : expiresAt;
            Binding fresh = new Binding(id, instanceId, kind, timeout.toMillis(), expiresAt,
                    revisions.incrementAndGet(), reviewAt,
                    parent != null ? parentSessionId : live != null ? live.parentSessionId() : null,
                    parent != null ? parent.depth() + 1 : live != null ? live.depth() : 0,
                    live != null && live.instanceId().equals(instanceId) ? live.inFlight() : 0);
            counts.changed(old, fresh, limits.maxPerInstance());
            if (old != null && reviewAt != old.reviewAtMillis()) {
                deadlines.remove(old.reviewAtMillis(), id);
            }
            if (old == null || reviewAt != old.reviewAtMillis()) {
                deadlines.add(reviewAt, id);
            }
            previous[0] = old;
            return fresh;
        });
        Binding old = previous[0];
        if (old != null && old.parentSessionId() != null && !old.parentSessionId().equals(bound.parentSessionId())) {
            unlink(old);
        }
        if (bound.parentSessionId() != null) {
            children.link(bound.parentSessionId(), sessionId);
        }
        if (old != null && old.expiredAt(now)) {
            listener.expired(old);
            return new Bound(bound, Optional.empty());
        }
        return new Bound(bound, Optional.ofNullable(old));
    }

    /** The parent a child names, checked against the limits of the tree. */
    private Binding parentOf(String sessionId, String parentSessionId) {
        Binding parent = peek(parentSessionId)
                .orElseThrow(() -> BindRefusedException.parentUnbound(parentSessionId));
        if (parent.depth() >= limits.maxDepth()) {
            throw BindRefusedException.tooDeep(parentSessionId, limits.maxDepth());
        }
        if (!children.fits(parentSessionId, sessionId, limits.maxChildren())) {
            throw BindRefusedException.tooManyChildren(parentSessionId, limits.maxChildren());
        }
        return parent;
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

    /**
     * Request {@code contextId} is in flight on the session: the binding does not expire until the request finishes
     * ({@link #release}) or {@code guard} passes. Holding again for the same request changes nothing.
     *
     * @return the binding as held, empty when the session is not bound
     */
    public Optional<Binding> hold(String sessionId, String contextId, Duration guard) {
        long now = clock.millis();
        Binding held = bindings.computeIfPresent(sessionId, (id, current) -> !current.expiredAt(now)
                && holds.add(contextId, id, current.instanceId(), now, guard) ? current.held() : current);
        return Optional.ofNullable(held).filter(binding -> !binding.expiredAt(now));
    }

    /**
     * Request {@code contextId} finished: each session it held has one request fewer in flight, and a session with
     * none left counts its TTL from now. Answers the sessions it held.
     */
    public List<String> release(String contextId) {
        Map<String, String> held = holds.release(contextId);
        long now = clock.millis();
        held.forEach((sessionId, instanceId) -> bindings.computeIfPresent(sessionId, (id, current) ->
                current.instanceId().equals(instanceId) && current.inFlight() > 0 ? current.releasedAt(now)
                        : current));
        return List.copyOf(held.keySet());
    }

    /** Releases every hold past its guard deadline (its request never said it finished); answers their contexts. */
    public List<String> releaseOverdue() {
        List<String> overdue = holds.overdue(clock.millis());
        overdue.forEach(this::release);
        return overdue;
    }

    /** The sessions that name this one as their parent, ordered by id. */
    public List<String> children(String sessionId) {
        return children.of(sessionId);
    }

    /** Removes the session's binding, expired or not, and returns it. */
    public Optional<Binding> unbind(String sessionId) {
        return Optional.ofNullable(removeIf(sessionId, any -> true));
    }

    /** Whether a new session fits, after sweeping what has expired. */
    public boolean hasRoom() {
        return counts.size() < limits.maxEntries() || reap() > 0 || counts.size() < limits.maxEntries();
    }

    /** Whether the instance can take one more session, after sweeping what has expired. */
    public boolean hasRoomOn(String instanceId) {
        if (counts.ofInstance(instanceId) < limits.maxPerInstance()) {
            return true;
        }
        reap();
        return counts.ofInstance(instanceId) < limits.maxPerInstance();
    }

    /** Removes the binding only if it is still the given revision. */
    public boolean unbind(String sessionId, long revision) {
        return removeIf(sessionId, current -> current.revision() == revision) != null;
    }

    /**
     * Removes every binding whose deadline has passed, and moves renewed or held ones to their next review; costs
     * O((expired + renewed-and-due) · log n), never a scan of the table.
     */
    public int reap() {
        long now = clock.millis();
        int expired = 0;
        Deadlines.Due due;
        while ((due = deadlines.firstDue(now)) != null) {
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

    /** Live sessions per instance id: what expired is swept, then the counts kept as bindings change are read. */
    public Map<String, Integer> countByInstance() {
        reap();
        return counts.byInstance();
    }

    /** Bindings held, including expired ones not swept yet. */
    public int size() {
        return counts.size();
    }

    public int count(BindingKind kind) {
        return counts.of(kind);
    }

    public Limits limits() {
        return limits;
    }

    private void expire(String sessionId, long now) {
        Binding lapsed = removeIf(sessionId, current -> current.expiredAt(now));
        if (lapsed != null) {
            listener.expired(lapsed);
        }
    }

    /** Removes the session's binding if {@code condition} holds for it, in one step; answers it, or null. */
    private Binding removeIf(String sessionId, Predicate<Binding> condition) {
        Binding[] removed = new Binding[1];
        bindings.computeIfPresent(sessionId, (id, current) -> {
            if (!condition.test(current)) {
                return current;
            }
            removed[0] = current;
            removed(current);
            return null;
        });
        return removed[0];
    }

    /**
     * A due index entry: the binding expired (removed, reported), or was renewed (moved to its new deadline), or is
     * held by a request in flight (looked at again a TTL from now).
     */
    private boolean review(Deadlines.Due due, long now) {
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
            long next = Math.max(current.expiresAtMillis(), now + current.timeoutMillis());
            long reviewAt = current.inFlight() > 0 ? next : current.expiresAtMillis();
            deadlines.add(reviewAt, id);
            return current.reviewedAt(reviewAt);
        });
        if (lapsed[0] == null) {
            return false;
        }
        listener.expired(lapsed[0]);
        return true;
    }

    /** A binding leaves the table: its index entry, its count and its place among its parent's children go too. */
    private void removed(Binding gone) {
        deadlines.remove(gone.reviewAtMillis(), gone.sessionId());
        counts.changed(gone, null, limits.maxPerInstance());
        if (gone.parentSessionId() != null) {
            unlink(gone);
        }
    }

    private void unlink(Binding child) {
        children.unlink(child.parentSessionId(), child.sessionId());
    }
}
