package io.kvsession.sidecar.lifecycle;

import java.time.Duration;
import java.util.Locale;

import io.kvsession.sidecar.SidecarException;

/** Checks of client input (SPEC §3.6); each failure names the wire field, and nothing has changed yet. */
public final class Inputs {

    public static final int MAX_ID_BYTES = 256;
    public static final long MAX_TIMEOUT_SECS = 31_536_000;
    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 100;
    /** Largest REST request body, and largest gRPC request message. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private Inputs() {
    }

    /**
     * A required id: 1–256 bytes of UTF-8; no control, invisible or bidirectional formatting characters, no line
     * separators, no lone surrogates, no {@code ;}; not only white space, not {@code .} or {@code ..}.
     */
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

    /**
     * One pass over the characters, without allocating: this runs on every call. The rules keep one id one id on
     * every transport and in every log: what a REST path cannot carry literally ({@code ;} starts matrix
     * parameters, dot segments are resolved away) and what renders as something else (bidi overrides, zero-width
     * characters, line separators) or cannot be encoded (a lone surrogate has no UTF-8 form, and would reach a
     * worker as '?', merged with other ids) is refused on REST and gRPC alike.
     */
    private static String checkId(String field, String value) {
        if (value.isEmpty()) {
            throw SidecarException.invalid(field, "must not be empty");
        }
        int utf8Bytes = 0;
        boolean blank = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7F) {
                    throw SidecarException.invalid(field, "must not contain control characters");
                }
                if (c == ';') {
                    throw SidecarException.invalid(field, "must not contain ';'");
                }
                blank &= c == ' ';
                utf8Bytes++;
                continue;
            }
            int codePoint = c;
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                codePoint = Character.toCodePoint(c, value.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                throw SidecarException.invalid(field, "must be valid Unicode: it holds a lone surrogate");
            }
            checkVisible(field, codePoint);
            blank &= Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
            utf8Bytes += codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
        }
        if (utf8Bytes > MAX_ID_BYTES) {
            throw SidecarException.invalid(field, "must be at most " + MAX_ID_BYTES + " bytes of UTF-8");
        }
        if (blank) {
            throw SidecarException.invalid(field, "must not be only white space");
        }
        if (value.equals(".") || value.equals("..")) {
            throw SidecarException.invalid(field, "must not be '.' or '..'");
        }
        return value;
    }

    /** Refuses characters that are invisible or change how the text around them is shown. */
    private static void checkVisible(String field, int codePoint) {
        int type = Character.getType(codePoint);
        if (type == Character.CONTROL) {
            throw SidecarException.invalid(field, "must not contain control characters");
        }
        if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
            throw SidecarException.invalid(field, String.format(Locale.ROOT, "must not contain invisible, "
                    + "bidirectional or line-breaking formatting characters, found U+%04X", codePoint));
        }
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
