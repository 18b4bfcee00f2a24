package io.kvsession.sidecar.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The session state of one SGLang server process, as upstream keeps it:
 * <ul>
 * <li>the tokenizer's opens in flight ({@code TokenizerControlMixin.open_session}: {@code session_futures}); a second
 * open of an id still in flight is answered as a duplicate at once;</li>
 * <li>the scheduler's {@code SessionController} ({@code session/session_controller.py}): one {@code Session} per open
 * id with its {@code streaming} flag and idle {@code timeout}, reaped by {@code maybe_reap} once idle longer than the
 * timeout;</li>
 * <li>with {@code --enable-session-radix-cache}, the {@code UnifiedSessionRefTracker}
 * ({@code mem_cache/unified_cache/session_ref_tracker.py}): a generation per live session id (a global counter, bumped
 * by every {@code open_radix_session}), and tombstones of closed ids (an LRU of {@value #TOMBSTONE_LIMIT}).</li>
 * </ul>
 * A process restart loses all of it ({@link #forget()}).
 */
final class SglangSessions {

    /** {@code _CLOSED_SESSION_TOMBSTONE_LIMIT} in {@code session_ref_tracker.py}. */
    static final int TOMBSTONE_LIMIT = 8192;

    /** One {@code Session} of the {@code SessionController}. */
    static final class Session {
        final String id;
        final boolean streaming;
        final Double timeout;
        volatile long lastActive;

        Session(String id, boolean streaming, Double timeout, long now) {
            this.id = id;
            this.streaming = streaming;
            this.timeout = timeout;
            this.lastActive = now;
        }

        /** {@code Session.is_timed_out}: {@code monotonic() - last_active_time > timeout}. */
        boolean timedOut(long now) {
            return timeout != null && (now - lastActive) / 1e9 > timeout;
        }
    }

    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final Set<String> inFlight = new java.util.HashSet<>();
    private final LinkedHashMap<String, Boolean> tombstones = new LinkedHashMap<>();
    private final Map<String, Long> generations = new LinkedHashMap<>();
    private long incarnation;
    private long lastReap = System.nanoTime();
    private volatile boolean radix;

    void radix(boolean enabled) {
        radix = enabled;
    }

    /** The tokenizer's id for an open without one: {@code uuid.uuid4().hex}. */
    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** Marks an open in flight; false when one with this id is in flight already (upstream answers None). */
    synchronized boolean beginOpen(String id) {
        return inFlight.add(id);
    }

    synchronized void endOpen(String id) {
        inFlight.remove(id);
    }

    /**
     * {@code Scheduler.open_session}: {@code SessionController.open} (fails when the id is open), then, on a
     * radix-cache server, {@code tree_cache.open_radix_session(id)} (clears the id's tombstone, starts a new
     * generation).
     */
    synchronized boolean open(String id, boolean streaming, Double timeout) {
        if (sessions.containsKey(id)) {
            return false;
        }
        sessions.put(id, new Session(id, streaming, timeout, System.nanoTime()));
        if (radix) {
            openRadix(id);
        }
        return true;
    }

    /**
     * {@code Scheduler.close_session}: on a radix-cache server {@code release_radix_session(id)} first (tombstone,
     * generation dropped, references released, for unknown ids too); then {@code SessionController.close}, which
     * closes an open session and only logs a warning for an unknown one.
     */
    synchronized void close(String id) {
        if (radix) {
            releaseRadix(id);
        }
        sessions.remove(id);
    }

    /**
     * {@code SessionController.maybe_reap}: at most once per {@code interval}, closes every session idle longer than
     * its timeout ({@code _close} releases its radix references as a close does).
     */
    synchronized void maybeReap(long now, long intervalNanos) {
        if (now - lastReap <= intervalNanos) {
            return;
        }
        lastReap = now;
        sessions.values().removeIf(session -> {
            if (!session.timedOut(now)) {
                return false;
            }
            if (radix) {
                releaseRadix(session.id);
            }
            return true;
        });
    }

    /** A request on the session ({@code Session.create_req}) makes it active again. */
    synchronized boolean touch(String id) {
        Session session = sessions.get(id);
        if (session != null) {
            session.lastActive = System.nanoTime();
        }
        return session != null;
    }

    /**
     * A generate request carrying the top-level {@code session_id} on a radix-cache server:
     * {@code ensure_session_generation} opens the id implicitly (clearing its tombstone) when it has no generation.
     * Returns the request's generation, or null when the server has no radix session cache (the field is ignored).
     */
    synchronized Long radixRequest(String id) {
        if (!radix) {
            return null;
        }
        Long generation = generations.get(id);
        return generation != null ? generation : openRadix(id);
    }

    private long openRadix(String id) {
        tombstones.remove(id);
        incarnation++;
        generations.put(id, incarnation);
        return incarnation;
    }

    private void releaseRadix(String id) {
        if (tombstones.containsKey(id)) {
            return;
        }
        tombstones.put(id, Boolean.TRUE);
        while (tombstones.size() > TOMBSTONE_LIMIT) {
            tombstones.remove(tombstones.keySet().iterator().next());
        }
        generations.remove(id);
    }

    /** A session held as if opened earlier (no timeout). */
    synchronized void hold(String id) {
        open(id, true, null);
    }

    synchronized Set<String> ids() {
        return Set.copyOf(sessions.keySet());
    }

    synchronized Session session(String id) {
        return sessions.get(id);
    }

    synchronized Set<String> radixIds() {
        return Set.copyOf(generations.keySet());
    }

    synchronized Long generation(String id) {
        return generations.get(id);
    }

    synchronized boolean tombstoned(String id) {
        return tombstones.containsKey(id);
    }

    synchronized int tombstoneCount() {
        return tombstones.size();
    }

    /** A new process: nothing survives, the generation counter starts again. */
    synchronized void forget() {
        sessions.clear();
        inFlight.clear();
        tombstones.clear();
        generations.clear();
        incarnation = 0;
    }
}
