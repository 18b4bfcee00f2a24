package io.kvsession.sidecar.control;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.Timers;
import io.kvsession.sidecar.config.SidecarConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The lazy session-control client (SPEC §2.1–2.2, §3.1), answering for the workers as a whole and for each one.
 * Nothing talks to workers until the first lifecycle call; that call, and every caller arriving meanwhile, share one
 * probe round: each worker's health is polled (SGLang's answers after about a second, 503 while starting; one probe
 * may take {@code kvsession.control.health-timeout}) and a healthy worker's server info says which sessions it
 * offers. The first callers wait up to {@code kvsession.control.wait-for-instances}; a round still running then goes
 * on in the background, and the next call sees what it found. "Unavailable" is cached only for
 * {@code kvsession.control.retry-after}. From the first call on, every worker's server info is read again each
 * retry-after: its capability stays current, and a worker that was restarted (a new boot) or answers again after
 * failing is told as {@link WorkerReturned}.
 */
@ApplicationScoped
public class SessionControl {

    private static final Logger LOG = Logger.getLogger(SessionControl.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    public enum State {
        AVAILABLE,
        UNAVAILABLE,
        PROBING;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final WorkerRegistry registry;
    private final Timers timers;
    private final SidecarConfig.Control config;
    private final Uni<State> round;
    private volatile State last;
    private volatile long settledAtNanos;
    private volatile boolean warnedUnavailable;
    private final AtomicBoolean watching = new AtomicBoolean();

    public SessionControl(WorkerRegistry registry, Timers timers, SidecarConfig config) {
        this.registry = registry;
        this.timers = timers;
        this.config = config.control();
        this.round = Uni.createFrom().deferred(this::probe).memoize().until(this::stale);
    }

    /** Whether workers offer session control; the first subscription starts the probe, later ones share it. */
    public Uni<State> state() {
        return round.map(waited -> last);
    }

    /** The state as last seen, without starting a probe; empty before the first lifecycle call. */
    public Optional<State> current() {
        return Optional.ofNullable(last);
    }

    /**
     * Why an open on the instance binds affinity only, or empty when the instance takes KV sessions. 404 for an
     * unknown instance where instances exist. A worker's capability is read before its first open.
     */
    public Uni<Optional<String>> noSessions(State state, String instanceId) {
        return Uni.createFrom().deferred(() -> {
            if (state != State.AVAILABLE) {
                registry.checkKnown(instanceId);
                return Uni.createFrom().item(Optional.of("no worker offers session control; bound affinity-only"));
            }
            Worker worker = registry.require(instanceId);
            Uni<Capability> capability = worker.capabilityReadAtNanos() == 0 ? readCapability(worker)
                    : Uni.createFrom().item(worker.capability());
            return capability.map(offered -> offered.offersSessions() ? Optional.<String> empty()
                    : Optional.of("worker " + instanceId + " offers no KV sessions; bound affinity-only"));
        });
    }

    /**
     * Instances that appear are read for their capability once workers are in use; while "unavailable" is cached
     * they are probed on the next call, without waiting for retry-after.
     */
    void instancesChanged(@Observes InstancesChanged change) {
        if (last == null || change.added().isEmpty()) {
            return;
        }
        change.added().forEach(worker -> readCapability(worker).subscribe().with(read -> {
        }));
        if (last == State.UNAVAILABLE) {
            settledAtNanos = timers.nanoTime() - config.retryAfter().toNanos();
        }
    }

    /** Cached "unavailable" goes stale after retry-after; "available" and an ongoing probe never do. */
    private boolean stale() {
        return last == State.UNAVAILABLE && timers.nanoTime() - settledAtNanos >= config.retryAfter().toNanos();
    }

    private Uni<State> probe() {
        if (watching.compareAndSet(false, true)) {
            timers.every(config.retryAfter(), () -> registry.all().forEach(worker -> readCapability(worker)
                    .subscribe().with(read -> {
                    })));
        }
        last = State.PROBING;
        long deadline = timers.nanoTime() + config.healthTimeout().toNanos();
        Uni<Optional<Worker>> search = firstReady(registry.all(), deadline).memoize().indefinitely();
        search.subscribe().with(this::settle, failure -> settle(Optional.empty()));
        return search.ifNoItem().after(config.waitForInstances()).recoverWithItem(Optional.empty())
                .map(found -> {
                    if (last == State.PROBING) {
                        unavailable("none was ready within kvsession.control.wait-for-instances ("
                                + config.waitForInstances().toMillis() + " ms); the probe goes on in the background");
                    }
                    return last;
                });
    }

    /** The first worker that answers healthy and offers sessions, polling each until {@code deadline}. */
    private Uni<Optional<Worker>> firstReady(Collection<Worker> workers, long deadline) {
        if (workers.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return Multi.createFrom().iterable(workers)
                .onItem().transformToUniAndMerge(worker -> ready(worker, deadline).map(ok -> ok ? worker : null))
                .select().where(Objects::nonNull)
                .toUni()
                .map(Optional::ofNullable);
    }

    private Uni<Boolean> ready(Worker worker, long deadline) {
        Duration left = Duration.ofNanos(deadline - timers.nanoTime());
        if (left.isNegative() || left.isZero()) {
            return Uni.createFrom().item(false);
        }
        return worker.probe(left).flatMap(healthy -> {
            if (healthy) {
                return readCapability(worker).map(Capability::offersSessions);
            }
            if (deadline - timers.nanoTime() <= POLL_INTERVAL.toNanos()) {
                return Uni.createFrom().item(false);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(POLL_INTERVAL)
                    .flatMap(ignored -> ready(worker, deadline));
        });
    }

    private Uni<Capability> readCapability(Worker worker) {
        return worker.readCapability(config.healthTimeout(), timers.nanoTime());
    }

    private void settle(Optional<Worker> ready) {
        if (ready.isPresent()) {
            LOG.infof("action=session_control_probe outcome=available worker_id=%s capability=%s instances=%d",
                    ready.get().id(), ready.get().capability().wireName(), registry.all().size());
            warnedUnavailable = false;
            settledAtNanos = timers.nanoTime();
            last = State.AVAILABLE;
        } else if (last != State.AVAILABLE) {
            // A round that found nothing never undoes what a later round found.
            unavailable("none answered healthy within kvsession.control.health-timeout");
        }
    }

    private void unavailable(String why) {
        if (!warnedUnavailable) {
            warnedUnavailable = true;
            LOG.warnf("action=session_control_probe outcome=unavailable instances=%d: no worker offers session "
                    + "control (%s), so opens are affinity-only (kind router_only) for now. Launch the backend with "
                    + "--enable-streaming-session and check kvsession.workers / kvsession.discovery.*; workers are "
                    + "probed again %d s after this on the next lifecycle call.", registry.all().size(), why,
                    config.retryAfter().toSeconds());
        } else {
            LOG.debugf("action=session_control_probe outcome=unavailable instances=%d (%s)", registry.all().size(),
                    why);
        }
        settledAtNanos = timers.nanoTime();
        last = State.UNAVAILABLE;
    }
}
