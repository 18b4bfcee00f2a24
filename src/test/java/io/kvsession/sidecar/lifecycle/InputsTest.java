package io.kvsession.sidecar.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.kvsession.sidecar.SidecarException;

/** Issue #11, finding 12: an id is one visible string that every transport carries the same way. */
class InputsTest {

    @ParameterizedTest
    @ValueSource(strings = { "chat-42", "w1", "10.0.3.7:30000", "[fd00::1]:30000", "7587890227473139463",
            "caf\u00e9", "\u4f1a\u8a71", "\ud83d\ude80", " padded ", "a..b", "...", "x/y", "%41" })
    void visibleIdsAreTakenAsWritten(String id) {
        assertEquals(id, Inputs.requireId("session_id", id));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bad\u0001id|session_id must not contain control characters",
            "nel\u0085|session_id must not contain control characters",
            "a;b|session_id must not contain ';'",
            "rtl\u202eoverride|session_id must not contain invisible",
            "ltr\u202aembedding|session_id must not contain invisible",
            "isolate\u2066x\u2069|session_id must not contain invisible",
            "zero\u200bwidth|session_id must not contain invisible",
            "joiner\u200d|session_id must not contain invisible",
            "word\u2060joiner|session_id must not contain invisible",
            "\ufeffbom|session_id must not contain invisible",
            "line\u2028separator|session_id must not contain invisible",
            "paragraph\u2029separator|session_id must not contain invisible",
            "'   '|session_id must not be only white space",
            "\u00a0\u3000|session_id must not be only white space",
            ".|session_id must not be '.' or '..'",
            "..|session_id must not be '.' or '..'" })
    void invisibleOrAmbiguousIdsAreRefused(String id, String detailStart) {
        SidecarException refused = assertThrows(SidecarException.class, () -> Inputs.requireId("session_id", id));
        assertEquals(true, refused.getMessage().startsWith(detailStart), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "lone\ud800", "\udc00lone", "reversed\udc00\ud800" })
    void loneSurrogatesAreRefused(String id) {
        assertEquals("context_id must be valid Unicode: it holds a lone surrogate", assertThrows(
                SidecarException.class, () -> Inputs.optionalId("context_id", id)).getMessage());
    }

    @ParameterizedTest
    @CsvSource({ "256, true", "257, false" })
    void idsAreMeasuredInUtf8Bytes(int bytes, boolean accepted) {
        String fourByteCharacters = "\ud83d\ude80".repeat(bytes / 4) + "x".repeat(bytes % 4);
        if (accepted) {
            assertEquals(fourByteCharacters, Inputs.requireId("session_id", fourByteCharacters));
        } else {
            assertThrows(SidecarException.class, () -> Inputs.requireId("session_id", fourByteCharacters));
        }
    }
}
