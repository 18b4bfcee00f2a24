package io.kvsession.sidecar.lifecycle;

import java.time.Duration;

/**
 * When closes retry and when they give up (SPEC §3.4), as pure functions of attempts and time: backoff from
 * {@code firstBackoff} doubling up to {@code maxBackoff}; give up once the next attempt would come after the worker
 * has dropped the session on its own ({@code ttl + workerTimeoutBuffer} after the close began). A rollback close is
 * sent again {@code rollbackConfirmAfter} after it started, then at doubling intervals until that same time, in case
 * a late open landed after it: a worker does not say whether it held the session.
 *
 * @param maxPending most closes waiting or retrying at once
 * @param maxPendingUnbound most of them for sessions this sidecar never bound
 * @param maxDeferred most closes held for their request at once
 * @param guardMaxWait a held close whose request never finishes runs after this
 */
public record ClosePolicy(Duration firstBackoff, Duration maxBackoff, Duration workerTimeoutBuffer,
        Duration rollbackConfirmAfter, int maxPending, int maxPendingUnbound, int maxDeferred, Duration guardMaxWait) {

    /** The pause after {@code attempts} failed attempts (1 = after the first). */
    public Duration backoff(int attempts) {
        long millis = firstBackoff.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }

    /** When a close that began at {@code startedNanos}, of a session with this TTL, gives up. */
    public long giveUpAtNanos(long startedNanos, Duration ttl) {
        return startedNanos + ttl.plus(workerTimeoutBuffer).toNanos();
    }

    /** Whether a close should give up rather than wait {@code backoff} for its next attempt. */
    public boolean givesUp(long nowNanos, Duration backoff, long giveUpAtNanos) {
        return nowNanos + backoff.toNanos() >= giveUpAtNanos;
    }
}
