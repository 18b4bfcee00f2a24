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
        // Integer.valueOf would also take '+5' and other scripts' digits ('١٠'): a client gets one spelling.
        boolean digits = true;
        for (int i = 0; i < value.length() && digits; i++) {
            digits = value.charAt(i) >= '0' && value.charAt(i) <= '9';
        }
        if (!digits) {
            throw SidecarException.invalid(name, "must be a whole number written in ASCII digits, was '" + value
                    + "'");
        }
        if (value.length() > 9) {
            throw SidecarException.invalid(name, "is too large, was '" + value + "'");
        }
        return Integer.valueOf(value);
    }

    /** A body the call cannot do without. */
    static <T> T required(T body, String requiredField) {
        if (body == null) {
            throw SidecarException.invalid(requiredField, "is required: send a JSON object body with it");
        }
        return body;
    }
}
