package io.kvsession.sidecar.support.dynamo;

/** How far a {@link ReplicaDynamoWorker}'s response stream gets. */
public enum CallHome {
    /** Handshake, prologue, item, complete_final, sentinel. */
    NORMAL,
    /** ACK 0, then nothing: the worker never dials back. */
    NEVER,
    /** Dials back, sends the handshake, then closes. */
    NO_PROLOGUE,
    /** Handshake and prologue, then the connection drops (the handler still runs: an open does open). */
    DROP_AFTER_PROLOGUE,
    /** Everything up to the item, then the connection drops without complete_final or sentinel. */
    DROP_AFTER_ITEM
}
