package io.kvsession.sidecar.control;

/** The session-control protocol a worker speaks (SPEC §6). */
public enum Protocol {
    /** SGLang's own HTTP server: {@code /open_session}, {@code /close_session}. */
    SGLANG,
    /** The Dynamo SGLang worker's {@code session_control} handler over HTTP. */
    DYNAMO;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
