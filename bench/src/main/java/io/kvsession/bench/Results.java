package io.kvsession.bench;

import java.util.Locale;

/**
 * The figures a benchmark reports, one {@code result <key> <value>} line each beside its human-readable table, so that
 * {@code bench/regress} can compare a run with the committed {@code bench/baseline.tsv}.
 */
final class Results {

    private Results() {
    }

    static void print(String key, double value) {
        System.out.println(String.format(Locale.ROOT, "result %s %.3f", key, value));
    }
}
