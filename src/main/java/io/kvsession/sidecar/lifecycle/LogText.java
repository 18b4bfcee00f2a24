package io.kvsession.sidecar.lifecycle;

/**
 * Client-chosen text in log lines: ids and details are written so that they cannot end their field early or forge
 * another one ({@code worker_id=} inside a session id), and control or invisible characters show as escapes.
 */
final class LogText {

    private LogText() {
    }

    /** A field value: as it is when made of plain characters, quoted otherwise; {@code -} when absent. */
    static String field(String value) {
        if (value == null) {
            return "-";
        }
        for (int i = 0; i < value.length(); i++) {
            if (!plain(value.charAt(i))) {
                return quoted(value);
            }
        }
        return value.isEmpty() ? "\"\"" : value;
    }

    /** Always quoted, with {@code "} and {@code \} escaped and anything not printable ASCII as {@code \}uXXXX. */
    static String quoted(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static boolean plain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                || c == '.' || c == ':' || c == '/' || c == '@' || c == '[' || c == ']';
    }
}
