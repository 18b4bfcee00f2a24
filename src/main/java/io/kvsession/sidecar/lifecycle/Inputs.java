package io.kvsession.sidecar.lifecycle;

import java.time.Duration;

import io.kvsession.sidecar.SidecarException;

/** Checks of client input (SPEC §3.6); each failure names the wire field, and nothing has changed yet. */
public final class Inputs {

    public static final int MAX_ID_BYTES = 256;
    public static final long MAX_TIMEOUT_SECS = 31_536_000;
    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 100;

    private Inputs() {
    }

    /** A required id: 1–256 bytes of UTF-8, no control characters. */
    public static String requireId(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw SidecarException.invalid(field, "is required");
        }
        return checkId(field, value);
    }

    /** An optional id: null, or as {@link #requireId}. */
    public static String optionalId(String field, String value) {
        return value == null ? null : checkId(field, value);
    }

    /** One pass over the characters, without allocating: this runs on every call. */
    private static String checkId(String field, String value) {
        if (value.isEmpty()) {
            throw SidecarException.invalid(field, "must not be empty");
        }
        int utf8Bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw SidecarException.invalid(field, "must not contain control characters");
            }
            utf8Bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        if (utf8Bytes > MAX_ID_BYTES) {
            throw SidecarException.invalid(field, "must be at most " + MAX_ID_BYTES + " bytes of UTF-8");
        }
        return value;
    }

    /** A TTL in seconds, 1–31 536 000, or the default when absent. */
    public static Duration timeout(String field, Long seconds, Duration fallback) {
        if (seconds == null) {
            return fallback;
        }
        if (seconds < 1 || seconds > MAX_TIMEOUT_SECS) {
            throw SidecarException.invalid(field, "must be between 1 and " + MAX_TIMEOUT_SECS + " seconds, was "
                    + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /** A positive capacity, or the default when absent. */
    public static int capacity(Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 1) {
            throw SidecarException.invalid("capacity_of_str_len", "must be positive, was " + value);
        }
        return value;
    }

    /** A page size, 1–1000, or 100 when absent. */
    public static int limit(Integer value) {
        if (value == null) {
            return DEFAULT_PAGE;
        }
        if (value < 1 || value > MAX_PAGE) {
            throw SidecarException.invalid("limit", "must be between 1 and " + MAX_PAGE + ", was " + value);
        }
        return value;
    }
}
