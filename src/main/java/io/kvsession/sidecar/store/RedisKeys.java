package io.kvsession.sidecar.store;

import java.util.List;

/** The store's key names: every one inside the hash tag {@code {prefix}}, so they all live in one slot. */
record RedisKeys(String tag) {

    static RedisKeys of(String prefix) {
        return new RedisKeys("{" + prefix + "}:");
    }

    String bindings() {
        return tag + "b";
    }

    /** Keys of the binding scripts that read and count: bindings, per-instance counts, per-kind counts. */
    List<String> counted() {
        return List.of(tag + "b", tag + "i", tag + "n");
    }

    /** Keys of the scripts that also file deadlines: the above, the bucket index, the revision counter. */
    List<String> filed() {
        return List.of(tag + "b", tag + "i", tag + "n", tag + "dk", tag + "rev");
    }

    String instanceCounts() {
        return tag + "i";
    }

    String kindCounts() {
        return tag + "n";
    }

    String buckets() {
        return tag + "dk";
    }

    /** Prefix of the deadline buckets' keys, followed by the bucket number in base 36. */
    String bucketPrefix() {
        return tag + "d:";
    }

    /** Prefix of the sets of a parent's children, followed by the parent's session id. */
    String childrenPrefix() {
        return tag + "k:";
    }

    /** Prefix of the hashes of the sessions a request in flight holds, followed by its context id. */
    String holdsPrefix() {
        return tag + "h:";
    }

    /** Requests in flight by guard deadline. */
    String holdIndex() {
        return tag + "hk";
    }

    String openLease(String sessionId) {
        return tag + "o:" + sessionId;
    }

    String openOutcome(String sessionId) {
        return tag + "r:" + sessionId;
    }

    String closes() {
        return tag + "c";
    }

    String heldBy() {
        return tag + "x";
    }

    String alive(String replica) {
        return tag + "a:" + replica;
    }
}
