package io.kvsession.sidecar.rest;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * What a client is told about a body the strict reader ({@link StrictJson}) refused: the field and the JSON type it
 * must have. Jackson's own messages name Java types ({@code java.lang.Long}, our DTO classes), which mean nothing to
 * a client and describe our internals, so they are only passed on for syntax errors, which do not.
 */
final class JsonErrors {

    private JsonErrors() {
    }

    static String detail(JsonProcessingException failure) {
        String field = failure instanceof JsonMappingException mapping ? path(mapping) : null;
        if (failure instanceof InputCoercionException || failure.getCause() instanceof InputCoercionException) {
            return named(field != null ? field : currentName(failure)) + " is out of range";
        }
        if (failure instanceof StreamReadException || failure.getCause() instanceof StreamReadException) {
            JsonProcessingException syntax = failure instanceof StreamReadException ? failure
                    : (JsonProcessingException) failure.getCause();
            String at = field != null ? field : currentName(syntax);
            return "the body is not valid JSON" + (at == null ? "" : " at " + at) + ": " + syntax.getOriginalMessage();
        }
        if (field == null) {
            return "the body must be one JSON object, with nothing after it";
        }
        if (failure instanceof MismatchedInputException mismatch) {
            return field + " has the wrong type: expected " + expected(mismatch.getTargetType());
        }
        return field + " is invalid";
    }

    /** The field's path on the wire, e.g. {@code session_control.session_id}; null at the top level. */
    private static String path(JsonMappingException mapping) {
        if (mapping.getPath().isEmpty()) {
            return null;
        }
        return mapping.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String currentName(JsonProcessingException failure) {
        try {
            return failure.getProcessor() instanceof JsonParser parser ? parser.currentName() : null;
        } catch (IOException unreadable) {
            return null;
        }
    }

    private static String named(String field) {
        return field == null ? "a number in the body" : field;
    }

    /** The JSON type a Java type is read from. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "another JSON type";
        }
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class
                || type == Short.class || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
            return "a string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return Map.class.isAssignableFrom(type) || !type.isPrimitive() ? "a JSON object" : "another JSON type";
    }
}
