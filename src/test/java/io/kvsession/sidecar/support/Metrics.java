package io.kvsession.sidecar.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one sample from a Prometheus scrape of /q/metrics. */
public final class Metrics {

    private Metrics() {
    }

    /**
     * The value of the sample whose name and labels match, e.g.
     * {@code value("kvsession_lifecycle_calls_total", "operation=\"close\"", "outcome=\"gave_up\"")}; 0 when absent.
     */
    public static double value(String name, String... labels) {
        return valueIn(scrape(), name, labels);
    }

    /** As {@link #value}, read from a scrape taken elsewhere (a packaged sidecar's, for one). */
    public static double valueIn(String scrape, String name, String... labels) {
        // Greedy up to the last brace: label values such as uri="/v1/sessions/{session_id}" hold braces themselves.
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{(.*)\\})? (\\S+)$",
                Pattern.MULTILINE);
        Matcher matcher = sample.matcher(scrape);
        double total = 0;
        while (matcher.find()) {
            String found = matcher.group(1) == null ? "" : matcher.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                total += Double.parseDouble(matcher.group(2));
            }
        }
        return total;
    }

    /** The whole Prometheus scrape. */
    public static String scrape() {
        return Management.get("/q/metrics").statusCode(200).extract().asString();
    }
}
