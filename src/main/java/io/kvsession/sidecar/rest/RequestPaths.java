package io.kvsession.sidecar.rest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict reading of a raw request path, before JAX-RS decodes it leniently: JAX-RS cuts {@code a;b} to {@code a}
 * (a matrix parameter) and turns {@code %FF} into U+FFFD, so two different ids would reach the lifecycle as one, and
 * one that gRPC takes literally would mean another over REST. The rules match the ids' own ({@code Inputs}): what a
 * path segment cannot carry is refused with a 400 that names the id.
 */
final class RequestPaths {

    private RequestPaths() {
    }

    /**
     * Why the raw path (still %-encoded) is refused, or null. Plain ASCII without %-escapes, the common case,
     * allocates nothing.
     */
    static String problem(String rawPath) {
        boolean escaped = false;
        int segment = 0;
        for (int i = 0; i <= rawPath.length(); i++) {
            char c = i < rawPath.length() ? rawPath.charAt(i) : '/';
            if (c == '/') {
                if (dots(rawPath, segment, i)) {
                    return named(rawPath, segment, "must not be '.' or '..'");
                }
                segment = i + 1;
                continue;
            }
            if (c <= ' ' || c >= 0x7F) {
                return named(rawPath, i, "must be ASCII in the request path: percent-encode other characters as "
                        + "UTF-8");
            }
            if (c == ';') {
                return named(rawPath, i, "must not contain ';'");
            }
            if (c == '%') {
                if (i + 2 >= rawPath.length() || !hex(rawPath.charAt(i + 1)) || !hex(rawPath.charAt(i + 2))) {
                    return named(rawPath, i, "has a malformed %-escape: '%' must be followed by two hex digits");
                }
                escaped = true;
                i += 2;
            }
        }
        return escaped ? undecodable(rawPath) : null;
    }

    /** Whether a segment is {@code .} or {@code ..}, escaped or not: the router would resolve it away. */
    private static boolean dots(String rawPath, int start, int end) {
        int dots = 0;
        for (int i = start; i < end; i++) {
            if (rawPath.charAt(i) == '.') {
                dots++;
            } else if (rawPath.startsWith("%2", i) && i + 2 < end && (rawPath.charAt(i + 2) | 0x20) == 'e') {
                dots++;
                i += 2;
            } else {
                return false;
            }
        }
        return dots == 1 || dots == 2;
    }

    /** The first segment whose %-escapes do not decode to UTF-8, as a problem, or null. */
    private static String undecodable(String rawPath) {
        int start = 0;
        while (start <= rawPath.length()) {
            int end = rawPath.indexOf('/', start);
            end = end < 0 ? rawPath.length() : end;
            if (!utf8(rawPath, start, end)) {
                return named(rawPath, start, "must be valid UTF-8 once percent-decoded");
            }
            start = end + 1;
        }
        return null;
    }

    private static boolean utf8(String rawPath, int start, int end) {
        ByteBuffer bytes = ByteBuffer.allocate(end - start);
        for (int i = start; i < end; i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                bytes.put((byte) Integer.parseInt(rawPath, i + 1, i + 3, 16));
                i += 2;
            } else {
                bytes.put((byte) c);
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.flip());
            return true;
        } catch (CharacterCodingException malformed) {
            return false;
        }
    }

    /** The problem, led by the id the offending segment stands for, or by "the request path". */
    private static String named(String rawPath, int at, String problem) {
        int segment = 0;
        for (int i = 0; i < at; i++) {
            segment += rawPath.charAt(i) == '/' ? 1 : 0;
        }
        String parameter = ApiPaths.parameterAt(rawPath, segment);
        return (parameter == null ? "the request path" : parameter) + " " + problem;
    }

    private static boolean hex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
