package io.kvsession.sidecar.rest;

import java.util.List;

/**
 * The path templates of the /v1 API, exactly as JAX-RS matches them and the API document lists them. They are the
 * only {@code uri} values HTTP metrics may carry ({@link UriTags}), and they name the id a bad path segment stands
 * for ({@link RequestPaths}); {@code ApiPathsTest} keeps them equal to the resources' paths.
 */
public final class ApiPaths {

    public static final List<String> TEMPLATES = List.of(
            "/v1/sessions",
            "/v1/sessions/{session_id}",
            "/v1/sessions/{session_id}/open",
            "/v1/sessions/{session_id}/bind",
            "/v1/sessions/{session_id}/close",
            "/v1/route",
            "/v1/requests/{context_id}/finish",
            "/v1/workers");

    private ApiPaths() {
    }

    /**
     * The parameter that segment {@code index} of a raw path stands for, e.g. {@code session_id} for segment 3 of
     * {@code /v1/sessions/x/open} (segment 0 is the empty one before the first slash); null for a literal segment or
     * a path no template matches. Only called for a path that is being refused, so it may allocate.
     */
    static String parameterAt(String rawPath, int index) {
        String[] segments = rawPath.split("/", -1);
        for (String template : TEMPLATES) {
            String[] parts = template.split("/", -1);
            if (parts.length != segments.length || index >= parts.length) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                matches = parts[i].startsWith("{") || parts[i].equals(segments[i]);
            }
            if (matches && parts[index].startsWith("{")) {
                return parts[index].substring(1, parts[index].length() - 1);
            }
        }
        return null;
    }
}
