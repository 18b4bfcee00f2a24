package io.kvsession.sidecar.config;

import java.util.Locale;

/** The session-control protocol a worker speaks (SPEC §6). */
public enum Protocol {
    /** SGLang's own HTTP server: {@code /open_session}, {@code /close_session}. */
    SGLANG,
    /** The Dynamo SGLang worker's {@code session_control} endpoint. */
    DYNAMO;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
