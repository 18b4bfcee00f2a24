package io.kvsession.sidecar.affinity;

/**
 * Who may open a session on a worker, among replicas that share a store.
 *
 * @param instanceId where the holder opens it: this replica's instance when granted, else the other replica's
 */
public record OpenClaim(boolean granted, String instanceId) {
}
