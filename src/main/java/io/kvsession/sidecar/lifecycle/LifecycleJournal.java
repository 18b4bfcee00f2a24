package io.kvsession.sidecar.lifecycle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One log line and one counter increment per lifecycle event. The line carries {@code action}, {@code outcome},
 * {@code session_id}, {@code worker_id}, {@code request_id} and {@code latency_ms}, both in the message and in the MDC
 * (so JSON logs get them as fields); the counter is {@code kvsession_lifecycle_calls_total{operation,outcome}}.
 */
@ApplicationScoped
public class LifecycleJournal {

    private static final Logger LOG = Logger.getLogger("io.kvsession.sidecar.lifecycle");
    private static final String[] KEYS = { "action", "outcome", "session_id", "worker_id", "request_id",
            "latency_ms" };

    /** How loud an outcome is. */
    public enum Severity {
        NORMAL(Logger.Level.INFO),
        FAILED(Logger.Level.WARN),
        LOST(Logger.Level.ERROR);

        private final Logger.Level level;

        Severity(Logger.Level level) {
            this.level = level;
        }
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public LifecycleJournal(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Records one event.
     *
     * @param startedNanos {@link System#nanoTime()} when the call began, or 0 when latency does not apply
     * @param detail extra words for the log line, or null
     */
    public void record(String action, String outcome, Severity severity, String sessionId, String workerId,
            String requestId, long startedNanos, String detail) {
        counter(action, outcome).increment();
        if (!LOG.isEnabled(severity.level)) {
            return;
        }
        long latencyMs = startedNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        String[] values = { action, outcome, orDash(sessionId), orDash(workerId), orDash(requestId),
                Long.toString(latencyMs) };
        for (int i = 0; i < KEYS.length; i++) {
            MDC.put(KEYS[i], values[i]);
        }
        try {
            LOG.logf(severity.level, "action=%s outcome=%s session_id=%s worker_id=%s request_id=%s latency_ms=%s%s",
                    values[0], values[1], values[2], values[3], values[4], values[5],
                    detail == null || detail.isEmpty() ? "" : " detail=\"" + detail + "\"");
        } finally {
            for (String key : KEYS) {
                MDC.remove(key);
            }
        }
    }

    private Counter counter(String operation, String outcome) {
        return counters.computeIfAbsent(operation + '\u0000' + outcome, key -> Counter.builder("kvsession.lifecycle.calls")
                .description("Lifecycle calls and events by operation and outcome")
                .tag("operation", operation)
                .tag("outcome", outcome)
                .register(registry));
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
