package io.kvsession.sidecar.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.kvsession.sidecar.support.SidecarProcess;
import io.vertx.core.json.JsonObject;

/**
 * The replicas of the shared-store soak, by role: packaged sidecars on one Redis, each call sent to a live one picked
 * at random, as a router's replicas share the traffic. A role whose replica was SIGKILLed takes no calls until its
 * fresh replica is ready. Every answer's status is counted; a call that a SIGKILL cut off is counted apart, and only
 * a replica that was killed may cut one off — any other broken connection fails the soak.
 */
final class SoakReplicas implements AutoCloseable {

    /** An answer: its status (0 when a SIGKILL cut the call off) and its body. */
    record Reply(int status, String body) {

        JsonObject json() {
            return new JsonObject(body);
        }
    }

    private final Map<String, String> properties;
    private final Map<String, SidecarProcess> live = new ConcurrentHashMap<>();
    private final Set<SidecarProcess> killed = ConcurrentHashMap.newKeySet();
    private final List<String> logs = new ArrayList<>();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final AtomicLong cutOff = new AtomicLong();
    private final AtomicInteger started = new AtomicInteger();
    /** Names this run's logs apart from an earlier run's. */
    private final String run = LocalTime.now().format(DateTimeFormatter.ofPattern("HHmmss"));

    SoakReplicas(Map<String, String> properties) {
        this.properties = Map.copyOf(properties);
    }

    /** Starts a replica in the role and waits until it is ready; its log is {@link #logs()}' last. */
    void start(String role) throws Exception {
        String name = "shared-soak-" + run + "-" + started.incrementAndGet() + "-" + role;
        synchronized (logs) {
            logs.add("target/" + name + ".log");
        }
        live.put(role, SidecarProcess.start(name, properties));
    }

    /** SIGKILLs the role's replica — nothing flushed, nothing handed over — and starts a fresh one in its place. */
    void replace(String role) throws Exception {
        SidecarProcess dead = live.remove(role);
        killed.add(dead);
        dead.kill();
        start(role);
    }

    /** The role's replica now. */
    SidecarProcess replica(String role) {
        return live.get(role);
    }

    Reply post(String path, Map<String, ?> body) {
        String json = body == null ? "" : new JsonObject(new HashMap<String, Object>(body)).encode();
        return send(pick(), sidecar -> sidecar.post(path, json));
    }

    Reply get(String path) {
        return send(pick(), sidecar -> sidecar.get(path));
    }

    /** Statuses answered so far, by status. */
    Map<Integer, Long> statuses() {
        Map<Integer, Long> counts = new TreeMap<>();
        statuses.forEach((status, count) -> counts.put(status, count.get()));
        return counts;
    }

    /** Calls a SIGKILL cut off. */
    long cutOff() {
        return cutOff.get();
    }

    /** The log files of every replica started, the killed ones' included. */
    List<String> logs() {
        synchronized (logs) {
            return List.copyOf(logs);
        }
    }

    @Override
    public void close() {
        live.values().forEach(SidecarProcess::close);
    }

    private SidecarProcess pick() {
        List<SidecarProcess> up = List.copyOf(live.values());
        if (up.isEmpty()) {
            throw new IllegalStateException("no replica is live");
        }
        return up.get(ThreadLocalRandom.current().nextInt(up.size()));
    }

    private interface Call {
        HttpResponse<String> on(SidecarProcess sidecar) throws IOException, InterruptedException;
    }

    private Reply send(SidecarProcess sidecar, Call call) {
        try {
            HttpResponse<String> response = call.on(sidecar);
            statuses.computeIfAbsent(response.statusCode(), s -> new AtomicLong()).incrementAndGet();
            return new Reply(response.statusCode(), response.body());
        } catch (IOException broken) {
            if (killed.contains(sidecar)) {
                cutOff.incrementAndGet();
                return new Reply(0, "");
            }
            throw new UncheckedIOException("a call to a replica that was not killed failed", broken);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", interrupted);
        }
    }
}
