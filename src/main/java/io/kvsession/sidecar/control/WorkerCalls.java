package io.kvsession.sidecar.control;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.WorkerProtocol.CloseOutcome;
import io.kvsession.sidecar.control.WorkerProtocol.OpenOutcome;
import io.kvsession.sidecar.control.WorkerProtocol.OpenSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;

/**
 * Every RPC to a worker goes through here: the worker's protocol, behind one circuit breaker per instance, with the
 * last observed health of each instance kept for inspection.
 */
@ApplicationScoped
public class WorkerCalls {

    private static final TypeLiteral<Uni<OpenOutcome>> OPEN = new TypeLiteral<>() {
    };
    private static final TypeLiteral<Uni<CloseOutcome>> CLOSE = new TypeLiteral<>() {
    };

    /** Buckets of the RPC latency histograms: enough to see a slow worker, few enough to keep the scrape small. */
    private static final Duration[] LATENCY_BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    /** A worker's breaker and what it last told us. */
    private static final class WorkerState {
        final Guard guard;
        volatile CircuitBreakerState circuit = CircuitBreakerState.CLOSED;
        volatile Boolean healthy;

        WorkerState(String instanceId, SidecarConfig.Breaker breaker, MeterRegistry registry) {
            this.guard = Guard.create()
                    .withDescription("worker " + instanceId)
                    .withCircuitBreaker()
                    .name(breakerName(instanceId))
                    .requestVolumeThreshold(breaker.requestVolume())
                    .failureRatio(breaker.failureRatio())
                    .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(1)
                    .when(failure -> failure instanceof WorkerException worker && worker.workerFault())
                    .onStateChange(state -> circuit = state)
                    .done()
                    .build();
            for (CircuitBreakerState state : CircuitBreakerState.values()) {
                Gauge.builder("kvsession.worker.circuit", this, worker -> worker.circuit == state ? 1 : 0)
                        .description("Circuit breaker state of each worker: 1 for the current one")
                        .tag("instance", instanceId)
                        .tag("state", state.name().toLowerCase())
                        .register(registry);
            }
        }
    }

    private final Map<Protocol, WorkerProtocol> protocols;
    private final WorkerHttp http;
    private final SidecarConfig config;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, WorkerState> workers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, Timer> timers = new ConcurrentHashMap<>();

    public WorkerCalls(SglangProtocol sglang, DynamoProtocol dynamo, WorkerHttp http, SidecarConfig config,
            MeterRegistry registry) {
        this.protocols = Map.of(Protocol.SGLANG, sglang, Protocol.DYNAMO, dynamo);
        this.http = http;
        this.config = config;
        this.registry = registry;
    }

    public Uni<OpenOutcome> open(Instance instance, OpenSpec spec) {
        Duration deadline = config.rpc().openTimeout();
        return guarded(instance, OPEN,
                () -> timed(instance, "open", protocols.get(instance.protocol()).open(instance, spec, deadline)));
    }

    public Uni<CloseOutcome> close(Instance instance, String sessionId) {
        Duration deadline = config.rpc().closeTimeout();
        return guarded(instance, CLOSE,
                () -> timed(instance, "close", protocols.get(instance.protocol()).close(instance, sessionId, deadline)));
    }

    /** {@code GET {url}/health}; never fails, answers whether the worker said 200. */
    public Uni<Boolean> probe(Instance instance, Duration deadline) {
        return timed(instance, "health", http.get(instance, "/health", deadline))
                .map(WorkerHttp.Answer::ok)
                .onFailure().recoverWithItem(false)
                .invoke(healthy -> state(instance.id()).healthy = healthy);
    }

    /** Last observed health; empty before the instance was probed or called. */
    public Optional<Boolean> healthy(String instanceId) {
        WorkerState state = workers.get(instanceId);
        return state == null ? Optional.empty() : Optional.ofNullable(state.healthy);
    }

    public CircuitBreakerState circuit(String instanceId) {
        WorkerState state = workers.get(instanceId);
        return state == null ? CircuitBreakerState.CLOSED : state.circuit;
    }

    /** The name under which an instance's breaker is known to SmallRye Fault Tolerance. */
    public static String breakerName(String instanceId) {
        return "kvsession-worker-" + instanceId;
    }

    private <T> Uni<T> guarded(Instance instance, TypeLiteral<Uni<T>> type, Supplier<Uni<T>> call) {
        WorkerState state = state(instance.id());
        return Uni.createFrom().deferred(() -> state.guard.get(call, type))
                .onItem().invoke(outcome -> state.healthy = true)
                .onFailure().transform(failure -> {
                    if (failure instanceof CircuitBreakerOpenException) {
                        return WorkerException.unreachable("the circuit breaker of worker " + instance.id()
                                + " is open after repeated failures; it lets a trial call through after "
                                + config.rpc().breaker().delay().toMillis() + " ms");
                    }
                    if (failure instanceof WorkerException worker && worker.workerFault()) {
                        state.healthy = false;
                    }
                    return failure;
                });
    }

    private WorkerState state(String instanceId) {
        return workers.computeIfAbsent(instanceId, id -> new WorkerState(id, config.rpc().breaker(), registry));
    }

    /**
     * Records {@code kvsession_worker_rpc_seconds{instance,action,outcome}} when an RPC that reached for the worker
     * settles; calls an open breaker refused are not RPCs and are not timed.
     */
    private <T> Uni<T> timed(Instance instance, String action, Uni<T> call) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return call.onItemOrFailure().invoke((item, failure) -> timer(instance.id(), action, outcome(failure))
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
        });
    }

    private Timer timer(String instanceId, String action, String outcome) {
        return timers.computeIfAbsent(List.of(instanceId, action, outcome), key -> Timer.builder("kvsession.worker.rpc")
                .description("Latency of worker RPCs by instance, action and outcome")
                .tag("instance", instanceId)
                .tag("action", action)
                .tag("outcome", outcome)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry));
    }

    private static String outcome(Throwable failure) {
        if (failure == null) {
            return "ok";
        }
        if (failure instanceof WorkerException worker) {
            return switch (worker.failure()) {
                case WORKER_REJECTED -> "rejected";
                case WORKER_TIMEOUT -> "timeout";
                default -> "unavailable";
            };
        }
        return "error";
    }
}
