package io.kvsession.sidecar.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The raw-path reading of {@link EdgeGuard}, including escapes Quarkus refuses before it (empty 400). */
class RequestPathsTest {

    @ParameterizedTest
    @ValueSource(strings = { "/v1/sessions", "/v1/sessions/chat-42/open", "/v1/sessions/caf%C3%A9/bind",
            "/v1/sessions/%F0%9F%9A%80", "/v1/requests/req-1/finish", "/v1/sessions/a%2Fb", "/v1/sessions/...",
            "/" })
    void wellFormedPathsPass(String path) {
        assertNull(RequestPaths.problem(path));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/sessions/a;b/open|session_id must not contain ';'",
            "/v1/workers;x|the request path must not contain ';'",
            "/v1/sessions/a%ZZ/open|session_id has a malformed %-escape",
            "/v1/sessions/a%F|session_id has a malformed %-escape",
            "/v1/requests/%/finish|context_id has a malformed %-escape",
            "/v1/sessions/a%FFb/bind|session_id must be valid UTF-8 once percent-decoded",
            "/v1/sessions/%C0%AF|session_id must be valid UTF-8 once percent-decoded",
            "/v1/sessions/%2e%2E/open|session_id must not be '.' or '..'",
            "/v1/sessions/./open|session_id must not be '.' or '..'",
            "/v1/../v1/workers|the request path must not be '.' or '..'" })
    void malformedPathsNameTheirId(String path, String detailStart) {
        String problem = RequestPaths.problem(path);
        assertEquals(true, problem != null && problem.startsWith(detailStart), problem);
    }

    @ParameterizedTest
    @CsvSource({ "/v1/sessions/x/open, 3, session_id", "/v1/sessions/x, 3, session_id",
            "/v1/requests/x/finish, 3, context_id", "/v1/sessions/x/open, 2, ", "/v1/other/x, 3, " })
    void segmentsAreNamedByTheTemplates(String path, int segment, String parameter) {
        assertEquals(parameter, ApiPaths.parameterAt(path, segment));
    }
}
