package io.kvsession.sidecar.lifecycle;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorkers;
import io.kvsession.sidecar.support.KeptAlive;
import io.kvsession.sidecar.support.Metrics;
import io.kvsession.sidecar.support.Profiles;
import io.kvsession.sidecar.support.WorkerFaults;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Mixed open / route / finish / close / bind traffic, with retried last turns, and agent traffic — sessions named by
 * headers under hard and soft affinity, subagents naming their parent, final requests, roots closed with their
 * trees — while workers hang, reject, fail closes, go down and restart without their sessions (SGLang) or drop their
 * answer streams (Dynamo), and fill up to their admission bound, for {@code soak.seconds} (60 by default). Then
 * faults stop, and the sidecar must converge: every session a worker still holds is bound to it in the table, every
 * engine-backed binding is held by its worker — no leaked worker session, no phantom binding — and no request that
 * finished, or outlived its guard, still holds a session. Not part of the default build:
 * {@code ./mvnw -B test -Dsoak}.
 */
@Tag("soak")
@QuarkusTest
@TestProfile(Profiles.Soak.class)
class SoakTest {

    private static final List<String> WORKERS = List.of("w1", "w2", "w3");
    private static final int SESSIONS = 300;
    private static final int CLIENTS = 8;
    private static final int AGENTS = 60;
    private static final Set<Integer> EXPECTED = Set.of(200, 202, 404, 409, 429, 502, 503, 504);

    FakeWorkers workers;

    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();

    @Test
    void tableAndWorkersAgreeAfterTrafficUnderFaults() throws Exception {
        // A router keeps its connections alive: one per request would pile up to the sidecar's connection cap.
        try (KeptAlive connections = KeptAlive.install(CLIENTS)) {
            workers.resetAll();
            Duration length = Duration.ofSeconds(Long.getLong("soak.seconds", 60));
            long deadline = System.nanoTime() + length.toNanos();
            WorkerFaults faults = new WorkerFaults(workers);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                running.add(pool.submit(() -> traffic(deadline)));
            }
            running.add(pool.submit(() -> faults.until(deadline)));
            for (Future<?> task : running) {
                task.get();
            }
            pool.shutdown();
            faults.healAll();

            Eventually.await(Duration.ofSeconds(30), () -> "pending closes drained: "
                    + Metrics.value("kvsession_closes_pending") + " running, "
                    + Metrics.value("kvsession_closes_deferred") + " deferred",
                    () -> Metrics.value("kvsession_closes_pending") == 0
                            && Metrics.value("kvsession_closes_deferred") == 0);

            System.out.printf("soak: %d s, statuses %s%n", length.toSeconds(), new TreeMap<>(statuses));
            assertTrue(statuses.keySet().stream().allMatch(EXPECTED::contains), "only expected statuses: " + statuses);
            assertTrue(statuses.getOrDefault(200, new AtomicLong()).get() > 100, "traffic flowed: " + statuses);
            // Sessions keep expiring (TTL 30 s) while we look, each followed by its close: compare until both settle.
            Map<String, Set<String>> last = new HashMap<>();
            Eventually.await(Duration.ofSeconds(15), () -> "worker sessions and engine-backed bindings agree: "
                    + Map.of("leaked", last.get("held by a worker but not bound"),
                            "phantom", last.get("bound but not held by the worker")),
                    () -> {
                        Set<String> held = new TreeSet<>();
                        for (String worker : WORKERS) {
                            workers.sessions(worker).forEach(session -> held.add(session + "@" + worker));
                        }
                        Set<String> bound = engineBackedBindings();
                        last.put("held by workers", held);
                        Set<String> leaked = new TreeSet<>(held);
                        leaked.removeAll(bound);
                        Set<String> phantom = new TreeSet<>(bound);
                        phantom.removeAll(held);
                        last.put("held by a worker but not bound", leaked);
                        last.put("bound but not held by the worker", phantom);
                        return leaked.isEmpty() && phantom.isEmpty();
                    });
            System.out.printf("soak: %d engine-backed sessions, each held by its worker and no other%n",
                    last.get("held by workers").size());
            Eventually.await(Duration.ofSeconds(10), () -> "no session held by a request that finished or outlived "
                    + "its guard: " + heldSessions(), () -> heldSessions().isEmpty());
        }
    }

    private void traffic(long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < deadline) {
            String session = "soak-" + random.nextInt(SESSIONS);
            String worker = WORKERS.get(random.nextInt(WORKERS.size()));
            String context = "ctx-" + random.nextLong(Long.MAX_VALUE);
            int dice = random.nextInt(100);
            if (dice < 25) {
                call("/v1/sessions/" + session + "/open", Map.of("instance_id", worker, "timeout_secs", 30));
            } else if (dice < 45) {
                String action = List.of("open", "bind", "close", "none").get(random.nextInt(4));
                Map<String, Object> control = new HashMap<>();
                control.put("session_id", session);
                control.put("action", "none".equals(action) ? null : action);
                call("/v1/route", Map.of("context_id", context, "instance_id", worker, "session_control", control));
                if (random.nextInt(10) < 9) {
                    call("/v1/requests/" + context + "/finish", null);
                }
            } else if (dice < 50) {
                retriedLastTurn(session, worker, random);
            } else if (dice < 60) {
                call("/v1/sessions/" + session + "/close",
                        random.nextBoolean() ? Map.of() : Map.of("instance_id", worker));
            } else if (dice < 68) {
                call("/v1/sessions/" + session + "/bind", Map.of("instance_id", worker, "timeout_secs", 30));
            } else if (dice < 88) {
                agentTurn(worker, context, random);
            } else {
                record(given().get("/v1/sessions/" + session).statusCode());
            }
        }
    }

    /**
     * One turn of an agent: a root or one of its subagents, named by headers, hard or soft; sometimes the session's
     * last turn, sometimes the root closed with its whole tree.
     */
    private void agentTurn(String worker, String context, ThreadLocalRandom random) {
        String root = "agent-" + random.nextInt(AGENTS);
        boolean subagent = random.nextInt(3) == 0;
        Map<String, String> headers = new HashMap<>();
        headers.put("x-dynamo-session-id", subagent ? root + "-sub-" + random.nextInt(4) : root);
        if (subagent) {
            headers.put("x-dynamo-parent-session-id", root);
        }
        if (random.nextInt(8) == 0) {
            headers.put("x-dynamo-session-final", "true");
        }
        call("/v1/route", Map.of("context_id", context, "instance_id", worker, "headers", headers,
                "affinity_mode", random.nextBoolean() ? "soft" : "hard"));
        if (random.nextInt(10) < 9) {
            call("/v1/requests/" + context + "/finish", null);
        }
        if (random.nextInt(20) == 0) {
            call("/v1/sessions/" + root + "/close", Map.of());
        }
    }

    /** The last turn sent twice (a router retry): two held closes, finished in either order, maybe re-opened. */
    private void retriedLastTurn(String session, String worker, ThreadLocalRandom random) {
        List<String> contexts = List.of("ctx-" + random.nextLong(Long.MAX_VALUE),
                "ctx-" + random.nextLong(Long.MAX_VALUE));
        for (String context : contexts) {
            Map<String, Object> control = new HashMap<>();
            control.put("session_id", session);
            control.put("action", "close");
            call("/v1/route", Map.of("context_id", context, "instance_id", worker, "session_control", control));
        }
        if (random.nextBoolean()) {
            call("/v1/sessions/" + session + "/open", Map.of("instance_id", worker, "timeout_secs", 30));
        }
        contexts.forEach(context -> call("/v1/requests/" + context + "/finish", null));
    }

    private void call(String path, Map<String, ?> body) {
        var request = given();
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        record(request.post(path).statusCode());
    }

    private void record(int status) {
        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
    }

    /** Every engine-backed binding as {@code session@instance}. */
    private static Set<String> engineBackedBindings() {
        Set<String> bound = new TreeSet<>();
        for (Map<String, Object> session : bindings()) {
            if (Boolean.TRUE.equals(session.get("engine_session"))) {
                bound.add(session.get("session_id") + "@" + session.get("instance_id"));
            }
        }
        return bound;
    }

    /** Sessions that requests in flight still hold. */
    private static Set<String> heldSessions() {
        Set<String> held = new TreeSet<>();
        for (Map<String, Object> session : bindings()) {
            if (!Integer.valueOf(0).equals(session.get("in_flight"))) {
                held.add(session.get("session_id") + " (" + session.get("in_flight") + ")");
            }
        }
        return held;
    }

    /** Every binding, a page at a time. */
    private static List<Map<String, Object>> bindings() {
        List<Map<String, Object>> all = new ArrayList<>();
        String token = null;
        do {
            var page = given().queryParam("limit", 1000).queryParam("page_token", token == null ? "" : token)
                    .get("/v1/sessions").then().statusCode(200).extract().jsonPath();
            all.addAll(page.<Map<String, Object>> getList("sessions"));
            token = page.getString("next_page_token");
        } while (token != null);
        return all;
    }
}
