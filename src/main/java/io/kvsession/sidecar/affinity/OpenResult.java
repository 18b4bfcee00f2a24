package io.kvsession.sidecar.affinity;

import io.kvsession.sidecar.Failure;

/**
 * How another replica's open of a session ended: succeeded, failed (with the reason and message its caller got), or
 * abandoned (its claim lapsed without a word: that replica died).
 */
public record OpenResult(State state, Failure failure, String message) {

    public enum State {
        SUCCEEDED,
        FAILED,
        ABANDONED
    }
}
