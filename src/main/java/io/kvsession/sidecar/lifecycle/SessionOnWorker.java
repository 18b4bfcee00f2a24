package io.kvsession.sidecar.lifecycle;

/** One session on one worker: the key of opens in flight, pending closes and deferred closes alike. */
public record SessionOnWorker(String sessionId, String instanceId) {
}
