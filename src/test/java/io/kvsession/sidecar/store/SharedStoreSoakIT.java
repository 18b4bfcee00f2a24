package io.kvsession.sidecar.store;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorkers;
import io.kvsession.sidecar.support.RedisServer;
import io.kvsession.sidecar.support.WorkerFaults;

/**
 * The soak of issue #14: two packaged sidecar replicas on one Redis (SPEC §8), 8 clients sending the in-process
 * soak's traffic ({@link SoakClient}) each call to either replica, for {@code soak.seconds} (60 by default), while the
 * workers suffer the in-process soak's faults ({@link WorkerFaults}: w1 and w3 SGLang, w2 Dynamo) and, in turn every
 * 10 s (sooner in a short soak), a replica is SIGKILLed and replaced by a fresh one — the survivor must send the
 * closes the dead one owed, its lease lapsing after {@code replica-timeout} 2 s — or Redis is stopped for 1.5 s and
 * started again on its append-only file. Then the faults heal, both replicas' owed closes drain, and the two must
 * agree with each other and with the workers: every session a worker holds is an engine-backed binding listed by
 * {@code GET /v1/sessions}, every such binding is held by its worker, and no request that finished or outlived its
 * 2 s guard still holds a session.
 * <p>
 * Only these answers are expected: 200; 202, a close accepted (its worker close runs in the background); 404, a
 * session closed, expired or never opened (get, close, a subagent whose parent is gone); 409, an open or bind naming
 * another worker than the one the session is bound to or being opened on (clients pick workers at random); 429, a
 * worker holding its admission bound of 60 sessions; 502, a worker refusing an open or answering an error; 503, a
 * worker down or its circuit open, hard affinity to it, or Redis stopped; 504, a worker slower than the 500 ms open
 * timeout. A call cut off by a SIGKILL of its replica has no answer; it is counted apart, and only a killed replica
 * may cut one off. Not part of the default build: {@code ./mvnw -B verify -Dsoak}.
 */
@Tag("soak")
class SharedStoreSoakIT {

    private static final List<String> ROLES = List.of("a", "b");
    private static final int CLIENTS = 8;
    private static final Set<Integer> EXPECTED = Set.of(200, 202, 404, 409, 429, 502, 503, 504);
    private static final Duration REDIS_OUTAGE = Duration.ofMillis(1500);

    private final FakeWorkers workers = FakeWorkers.mixed();
    private final WorkerFaults workerFaults = new WorkerFaults(workers);
    /** The replica and Redis faults, as {@code <local time> <fault>}, to be read beside the replicas' logs. */
    private final List<String> sidecarFaults = new CopyOnWriteArrayList<>();
    private RedisServer redis;
    private SoakReplicas replicas;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.launch();
        replicas = new SoakReplicas(properties());
        for (String role : ROLES) {
            replicas.start(role);
        }
    }

    @AfterEach
    void stop() {
        if (replicas != null) {
            replicas.close();
        }
        workers.shutdown();
        redis.close();
    }

    @Test
    void replicasAndWorkersAgreeAfterTrafficUnderFaults() throws Exception {
        Duration length = Duration.ofSeconds(Long.getLong("soak.seconds", 60));
        long deadline = System.nanoTime() + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 2);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            running.add(pool.submit(new SoakClient(replicas, workers, deadline)));
        }
        running.add(pool.submit(() -> workerFaults.until(deadline)));
        running.add(pool.submit(() -> {
            replicaAndRedisFaults(length, deadline);
            return null;
        }));
        try {
            for (Future<?> task : running) {
                // A call that never answers would hang the soak: past this, it fails instead.
                task.get(length.toSeconds() + 120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        workerFaults.healAll();

        Map<Integer, Long> statuses = replicas.statuses();
        System.out.printf("shared soak: %d s, statuses %s, %d calls cut off by a SIGKILL, faults %s, logs %s%n",
                length.toSeconds(), statuses, replicas.cutOff(), sidecarFaults, replicas.logs());
        SoakAgreement agreement = new SoakAgreement(workers, replicas);
        // All checked, each failure reported: one soak run shows every problem it found.
        assertAll("shared soak",
                () -> assertTrue(EXPECTED.containsAll(statuses.keySet()), "only expected statuses: " + statuses),
                () -> assertTrue(statuses.getOrDefault(200, 0L) > 100, "traffic flowed: " + statuses),
                () -> assertTrue(sidecarFaults.stream().anyMatch(fault -> fault.contains("SIGKILL")),
                        "a replica was SIGKILLed: " + sidecarFaults),
                () -> Eventually.await(Duration.ofSeconds(30), () -> "owed closes drained: " + owed(),
                        () -> ROLES.stream().allMatch(role -> SoakView.owedCloses(replicas.replica(role)).none())),
                () -> Eventually.await(Duration.ofSeconds(15), () -> "replicas and workers agree: "
                        + agreement.report() + "; " + faults(), agreement::holds),
                () -> Eventually.await(Duration.ofSeconds(10), () -> "no session held by a request that finished "
                        + "or outlived its guard: " + inFlight(),
                        () -> inFlight().values().stream().allMatch(Set::isEmpty)));
        System.out.printf("shared soak: %d engine-backed sessions, each held by its worker and no other, listed alike "
                + "by both replicas%n", agreement.held());
    }

    /** The faults, to read beside the replicas' logs. */
    private String faults() {
        return "worker faults " + workerFaults.journal() + "; sidecar faults " + sidecarFaults + "; logs "
                + replicas.logs();
    }

    /** Sessions still held by requests, as each replica lists them. */
    private Map<String, Set<String>> inFlight() {
        Map<String, Set<String>> held = new TreeMap<>();
        ROLES.forEach(role -> held.put(role, SoakView.held(SoakView.bindings(replicas.replica(role)))));
        return held;
    }

    private String owed() {
        Map<String, String> owed = new TreeMap<>();
        ROLES.forEach(role -> owed.put(role, SoakView.owedCloses(replicas.replica(role)).toString()));
        return owed.toString();
    }

    /**
     * In turn, one every 10 s (a third of a shorter soak): a random replica SIGKILLed and replaced, then Redis stopped
     * and started again. The first fault is a SIGKILL, so every soak has one.
     */
    private void replicaAndRedisFaults(Duration length, long deadline) throws Exception {
        Duration every = length.dividedBy(3).compareTo(Duration.ofSeconds(10)) < 0 ? length.dividedBy(3)
                : Duration.ofSeconds(10);
        boolean kill = true;
        while (System.nanoTime() + every.toNanos() < deadline) {
            Thread.sleep(every.toMillis());
            if (kill) {
                String role = ROLES.get(ThreadLocalRandom.current().nextInt(ROLES.size()));
                sidecarFaults.add(LocalTime.now() + " SIGKILL " + role);
                replicas.replace(role);
            } else {
                sidecarFaults.add(LocalTime.now() + " Redis stopped");
                redis.stop();
                Thread.sleep(REDIS_OUTAGE.toMillis());
                redis.start();
            }
            kill = !kill;
        }
    }

    private Map<String, String> properties() {
        Map<String, String> properties = new HashMap<>(workers.config());
        properties.put("kvsession.affinity.store", "redis");
        properties.put("quarkus.redis.hosts", redis.uri());
        properties.put("kvsession.affinity.redis.replica-timeout", "2s");
        properties.put("kvsession.affinity.reaper-interval", "200ms");
        properties.put("kvsession.admission.max-sessions-per-instance", "60");
        // The packaged sidecar runs the prod profile: these are the %test profile's short timeouts.
        properties.put("kvsession.control.wait-for-instances", "3s");
        properties.put("kvsession.control.health-timeout", "5s");
        properties.put("kvsession.control.retry-after", "1s");
        properties.put("kvsession.rpc.open-timeout", "500ms");
        properties.put("kvsession.rpc.close-timeout", "500ms");
        properties.put("kvsession.rpc.close-max-backoff", "400ms");
        properties.put("kvsession.rpc.breaker.delay", "500ms");
        properties.put("kvsession.guard.max-wait", "2s");
        return properties;
    }
}
