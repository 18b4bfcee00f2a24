package io.kvsession.sidecar.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.kvsession.sidecar.store.SoakReplicas.Reply;
import io.kvsession.sidecar.support.FakeWorkers;

/**
 * One client of the shared-store soak, with the in-process soak's mix: opens, routes naming their session in
 * {@code session_control} (open, bind, close or none) mostly followed by their finish, retried last turns, closes,
 * binds, reads, and agent turns — sessions named by headers, hard or soft, subagents naming their parent, final
 * turns, roots closed with their trees. Each call goes to a random replica, so a route and its finish often meet
 * different ones.
 * <p>
 * Half the opens and binds live 5 s, so that expiries — and their closes, which one replica claims — run all along;
 * the other half live 30 s, longer than the soak's convergence wait, so that a binding whose worker session is gone
 * cannot hide by expiring meanwhile. After each answer that places a session on a worker, the client touches it
 * there, as the generate the router then sends would: it restarts an SGLang worker's idle timer, without which the
 * fake worker would reap sessions whose bindings the routes keep renewing.
 */
final class SoakClient implements Runnable {

    private static final int SESSIONS = 300;
    private static final int AGENTS = 60;

    private final SoakReplicas replicas;
    private final FakeWorkers workers;
    private final List<String> ids;
    private final long deadlineNanos;

    SoakClient(SoakReplicas replicas, FakeWorkers workers, long deadlineNanos) {
        this.replicas = replicas;
        this.workers = workers;
        this.ids = workers.ids();
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void run() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < deadlineNanos) {
            String session = "soak-" + random.nextInt(SESSIONS);
            String worker = ids.get(random.nextInt(ids.size()));
            String context = "ctx-" + random.nextLong(Long.MAX_VALUE);
            int ttl = random.nextBoolean() ? 5 : 30;
            int dice = random.nextInt(100);
            if (dice < 25) {
                placed(session, replicas.post("/v1/sessions/" + session + "/open",
                        Map.of("instance_id", worker, "timeout_secs", ttl)));
            } else if (dice < 45) {
                String action = List.of("open", "bind", "close", "none").get(random.nextInt(4));
                Map<String, Object> control = new HashMap<>();
                control.put("session_id", session);
                control.put("action", "none".equals(action) ? null : action);
                route(session, Map.of("context_id", context, "instance_id", worker, "session_control", control));
                if (random.nextInt(10) < 9) {
                    finish(context);
                }
            } else if (dice < 50) {
                retriedLastTurn(session, worker, ttl, random);
            } else if (dice < 60) {
                replicas.post("/v1/sessions/" + session + "/close",
                        random.nextBoolean() ? Map.of() : Map.of("instance_id", worker));
            } else if (dice < 68) {
                placed(session, replicas.post("/v1/sessions/" + session + "/bind",
                        Map.of("instance_id", worker, "timeout_secs", ttl)));
            } else if (dice < 88) {
                agentTurn(worker, context, random);
            } else {
                replicas.get("/v1/sessions/" + session);
            }
        }
    }

    /** A root agent or one of its subagents, hard or soft; sometimes its last turn, sometimes the root's tree ends. */
    private void agentTurn(String worker, String context, ThreadLocalRandom random) {
        String root = "agent-" + random.nextInt(AGENTS);
        boolean subagent = random.nextInt(3) == 0;
        String session = subagent ? root + "-sub-" + random.nextInt(4) : root;
        Map<String, String> headers = new HashMap<>();
        headers.put("x-dynamo-session-id", session);
        if (subagent) {
            headers.put("x-dynamo-parent-session-id", root);
        }
        if (random.nextInt(8) == 0) {
            headers.put("x-dynamo-session-final", "true");
        }
        route(session, Map.of("context_id", context, "instance_id", worker, "headers", headers,
                "affinity_mode", random.nextBoolean() ? "soft" : "hard"));
        if (random.nextInt(10) < 9) {
            finish(context);
        }
        if (random.nextInt(20) == 0) {
            replicas.post("/v1/sessions/" + root + "/close", Map.of());
        }
    }

    /** The last turn sent twice (a router retry): two held closes, finished in either order, maybe re-opened. */
    private void retriedLastTurn(String session, String worker, int ttl, ThreadLocalRandom random) {
        List<String> contexts = List.of("ctx-" + random.nextLong(Long.MAX_VALUE),
                "ctx-" + random.nextLong(Long.MAX_VALUE));
        for (String context : contexts) {
            route(session, Map.of("context_id", context, "instance_id", worker, "session_control",
                    Map.of("session_id", session, "action", "close")));
        }
        if (random.nextBoolean()) {
            placed(session, replicas.post("/v1/sessions/" + session + "/open",
                    Map.of("instance_id", worker, "timeout_secs", ttl)));
        }
        contexts.forEach(this::finish);
    }

    private void route(String session, Map<String, ?> body) {
        placed(session, replicas.post("/v1/route", body));
    }

    private void finish(String context) {
        replicas.post("/v1/requests/" + context + "/finish", null);
    }

    /** The router sends the turn where the answer placed the session. */
    private void placed(String session, Reply reply) {
        if (reply.status() == 200) {
            workers.touch(reply.json().getString("instance_id"), session);
        }
    }
}
