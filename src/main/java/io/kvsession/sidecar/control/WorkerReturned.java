package io.kvsession.sidecar.control;

/**
 * A worker came back — it answers again after failing, or it was restarted (a new boot) — and may have lost the
 * sessions it held; fired synchronously as a CDI event.
 */
public record WorkerReturned(Worker worker, String why) {
}
