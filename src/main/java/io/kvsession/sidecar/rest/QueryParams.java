package io.kvsession.sidecar.rest;

import io.kvsession.sidecar.SidecarException;

/**
 * Strict parsing of query parameters and bodies: JAX-RS would answer 404 to {@code limit=abc} and read
 * {@code touch=yes} as false, where a client deserves a 400 naming the parameter.
 */
final class QueryParams {

    private QueryParams() {
    }

    static boolean flag(String name, String value) {
        if (value == null || value.isEmpty() || "false".equalsIgnoreCase(value)) {
            return false;
        }
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        throw SidecarException.invalid(name, "must be true or false, was '" + value + "'");
    }

    static Integer integer(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException notANumber) {
            throw SidecarException.invalid(name, "must be a whole number, was '" + value + "'");
        }
    }

    /** A body the call cannot do without. */
    static <T> T required(T body, String requiredField) {
        if (body == null) {
            throw SidecarException.invalid(requiredField, "is required: send a JSON object body with it");
        }
        return body;
    }
}
