package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.Timers;
import io.kvsession.sidecar.config.SidecarConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The lazy session-control client (SPEC §2.1–2.2, §3.1). Nothing talks to workers until the first lifecycle call;
 * that call, and every caller arriving meanwhile, share one probe that waits up to
 * {@code kvsession.control.wait-for-instances} for a healthy instance. "Unavailable" is cached only for
 * {@code kvsession.control.retry-after}, so workers that start late are picked up.
 */
@ApplicationScoped
public class SessionControl {

    private static final Logger LOG = Logger.getLogger(SessionControl.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    public enum State {
        AVAILABLE,
        UNAVAILABLE,
        PROBING;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final WorkerRegistry registry;
    private final Timers timers;
    private final SidecarConfig.Control config;
    private final Uni<State> state;
    private volatile State last;
    private volatile long settledAtNanos;

    public SessionControl(WorkerRegistry registry, Timers timers, SidecarConfig config) {
        this.registry = registry;
        this.timers = timers;
        this.config = config.control();
        this.state = Uni.createFrom().deferred(this::probe).memoize().until(this::stale);
    }

    /** Whether workers offer session control; the first subscription starts the probe, later ones share it. */
    public Uni<State> state() {
        return state;
    }

    /** The state as last seen, without starting a probe; empty before the first lifecycle call. */
    public Optional<State> current() {
        return Optional.ofNullable(last);
    }

    /** Instances that appear while "unavailable" is cached are probed on the next call, without waiting for it. */
    void instancesChanged(@Observes InstancesChanged change) {
        if (!change.added().isEmpty() && last == State.UNAVAILABLE) {
            settledAtNanos = timers.nanoTime() - config.retryAfter().toNanos();
        }
    }

    /** Cached "unavailable" goes stale after retry-after; "available" and an ongoing probe never do. */
    private boolean stale() {
        return last == State.UNAVAILABLE
                && timers.nanoTime() - settledAtNanos >= config.retryAfter().toNanos();
    }

    private Uni<State> probe() {
        State before = last;
        last = State.PROBING;
        long deadline = timers.nanoTime() + config.waitForInstances().toNanos();
        return firstHealthy(deadline).map(found -> settle(before, found));
    }

    /** Polls every instance's health until one answers 200 or the deadline passes. */
    private Uni<Optional<Worker>> firstHealthy(long deadline) {
        Collection<Worker> instances = registry.all();
        if (instances.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        Duration remaining = Duration.ofNanos(Math.max(deadline - timers.nanoTime(), 1_000_000));
        Duration probeTimeout = remaining.compareTo(PROBE_TIMEOUT) < 0 ? remaining : PROBE_TIMEOUT;
        return Multi.createFrom().iterable(instances)
                .onItem().transformToUniAndMerge(worker -> worker.probe(probeTimeout)
                        .map(healthy -> healthy ? worker : null))
                .select().where(instance -> instance != null)
                .toUni()
                .flatMap(instance -> {
                    if (instance != null) {
                        return Uni.createFrom().item(Optional.of(instance));
                    }
                    long left = deadline - timers.nanoTime();
                    if (left <= 0) {
                        return Uni.createFrom().item(Optional.<Worker> empty());
                    }
                    Duration pause = Duration.ofNanos(Math.min(left, POLL_INTERVAL.toNanos()));
                    return Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                            .flatMap(ignored -> firstHealthy(deadline));
                });
    }

    private State settle(State before, Optional<Worker> healthy) {
        State now = healthy.isPresent() ? State.AVAILABLE : State.UNAVAILABLE;
        if (now == State.AVAILABLE) {
            LOG.infof("action=session_control_probe outcome=available worker_id=%s instances=%d",
                    healthy.get().id(), registry.all().size());
        } else if (before != State.UNAVAILABLE) {
            LOG.warnf("action=session_control_probe outcome=unavailable instances=%d: no worker offers session "
                    + "control, so opens are affinity-only (kind router_only) for now. Launch the backend with "
                    + "--enable-streaming-session and check kvsession.workers / kvsession.discovery.dns.name; "
                    + "workers are probed again %d s after this on the next lifecycle call.",
                    registry.all().size(), config.retryAfter().toSeconds());
        } else {
            LOG.debugf("action=session_control_probe outcome=unavailable instances=%d", registry.all().size());
        }
        settledAtNanos = timers.nanoTime();
        last = now;
        return now;
    }
}
