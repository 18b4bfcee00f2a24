package io.kvsession.sidecar.support.dynamo;

import java.time.Duration;

/**
 * How the replica answers, fixed per request when its ACK goes out, so a switch flipped mid-call does not tear one
 * answer in two.
 *
 * @param ackError a non-empty acknowledgement text for every request (null: ACK 0 on the registered path)
 * @param callHome how far the response stream gets
 * @param prologueError a failed {@code generate()}: the prologue carries this error (null: {@code "error":null})
 * @param delay time the handler takes between the prologue and its item
 * @param errorItem the handler raises: an Annotated error item with this message instead of a result
 * @param legacyErrorItem the error item in the pre-{@code DynamoError} shape ({@code comment}) instead
 * @param rejectOpens opens fail with {@code {"status":"error","message":rejectOpens}}
 * @param alreadyExists every open answers "Session already exists"
 */
record Script(String ackError, CallHome callHome, String prologueError, Duration delay, String errorItem,
        boolean legacyErrorItem, String rejectOpens, boolean alreadyExists) {

    static final Script NORMAL = new Script(null, CallHome.NORMAL, null, Duration.ZERO, null, false, null, false);

    Script withAckError(String text) {
        return new Script(text, callHome, prologueError, delay, errorItem, legacyErrorItem, rejectOpens,
                alreadyExists);
    }

    Script withCallHome(CallHome mode) {
        return new Script(ackError, mode, prologueError, delay, errorItem, legacyErrorItem, rejectOpens,
                alreadyExists);
    }

    Script withPrologueError(String error) {
        return new Script(ackError, callHome, error, delay, errorItem, legacyErrorItem, rejectOpens, alreadyExists);
    }

    Script withDelay(Duration pause) {
        return new Script(ackError, callHome, prologueError, pause, errorItem, legacyErrorItem, rejectOpens,
                alreadyExists);
    }

    Script withErrorItem(String message, boolean legacy) {
        return new Script(ackError, callHome, prologueError, delay, message, legacy, rejectOpens, alreadyExists);
    }

    Script withRejectOpens(String message) {
        return new Script(ackError, callHome, prologueError, delay, errorItem, legacyErrorItem, message,
                alreadyExists);
    }

    Script withAlreadyExists(boolean exists) {
        return new Script(ackError, callHome, prologueError, delay, errorItem, legacyErrorItem, rejectOpens, exists);
    }
}
