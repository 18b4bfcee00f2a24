package io.kvsession.sidecar;

/** A failure the client is told about: a {@link Failure} and a message that names what went wrong. */
public class SidecarException extends RuntimeException {

    private final Failure failure;

    public SidecarException(Failure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }

    public static SidecarException invalid(String field, String problem) {
        return new SidecarException(Failure.INVALID_ARGUMENT, field + " " + problem);
    }
}
