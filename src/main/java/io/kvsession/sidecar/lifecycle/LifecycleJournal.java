package io.kvsession.sidecar.lifecycle;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records each lifecycle event once: one count of {@code kvsession_lifecycle_calls_total{operation,outcome}}, one log
 * line carrying {@code action}, {@code outcome}, {@code session_id}, {@code worker_id}, {@code request_id} and
 * {@code latency_ms} — in the message, quoted where needed so that an id cannot forge a field, and in the MDC for
 * JSON logs — and, where watchers care, one event on the watch stream.
 */
@ApplicationScoped
public class LifecycleJournal implements LifecycleRecorder {

    private static final Logger LOG = Logger.getLogger("io.kvsession.sidecar.lifecycle");
    private static final String[] KEYS = { "action", "outcome", "session_id", "worker_id", "request_id",
            "latency_ms" };
    private static final int OUTCOMES = Outcome.values().length;

    private final MeterRegistry registry;
    private final SessionEvents events;
    private final Clock clock;
    private final AtomicReferenceArray<Counter> counters = new AtomicReferenceArray<>(
            Action.values().length * OUTCOMES);

    public LifecycleJournal(MeterRegistry registry, SessionEvents events, Clock clock) {
        this.registry = registry;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void record(LifecycleEvent event) {
        counter(event.action(), event.outcome()).increment();
        log(event);
        SessionEvent.Type watched = event.watched();
        if (watched != null && events.watched()) {
            events.publish(new SessionEvent(watched, event.sessionId(), event.instanceId(), event.kind(),
                    event.contextId(), clock.instant(), event.detail() == null ? "" : event.detail()));
        }
    }

    private void log(LifecycleEvent event) {
        Logger.Level level = switch (event.outcome().severity()) {
            case NORMAL -> Logger.Level.INFO;
            case FAILED -> Logger.Level.WARN;
            case LOST -> Logger.Level.ERROR;
        };
        if (!LOG.isEnabled(level)) {
            return;
        }
        long latencyMs = event.startedNanos() == 0 ? 0
                : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - event.startedNanos());
        String[] values = { event.action().wireName(), event.outcome().wireName(), LogText.field(event.sessionId()),
                LogText.field(event.instanceId()), LogText.field(event.contextId()), Long.toString(latencyMs) };
        for (int i = 0; i < KEYS.length; i++) {
            MDC.put(KEYS[i], values[i]);
        }
        try {
            LOG.logf(level, "action=%s outcome=%s session_id=%s worker_id=%s request_id=%s latency_ms=%s%s",
                    values[0], values[1], values[2], values[3], values[4], values[5],
                    event.detail() == null || event.detail().isEmpty() ? ""
                            : " detail=" + LogText.quoted(event.detail()));
        } finally {
            for (String key : KEYS) {
                MDC.remove(key);
            }
        }
    }

    private Counter counter(Action action, Outcome outcome) {
        int index = action.ordinal() * OUTCOMES + outcome.ordinal();
        Counter counter = counters.get(index);
        if (counter == null) {
            counter = Counter.builder("kvsession.lifecycle.calls")
                    .description("Lifecycle calls and events by operation and outcome")
                    .tag("operation", action.wireName())
                    .tag("outcome", outcome.wireName())
                    .register(registry);
            counters.set(index, counter);
        }
        return counter;
    }
}
