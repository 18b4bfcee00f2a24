package io.kvsession.sidecar.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.kvsession.sidecar.support.FakeWorkers;
import io.kvsession.sidecar.support.Metrics;
import io.kvsession.sidecar.support.SidecarProcess;
import io.vertx.core.json.JsonObject;

/** What the shared-store soak compares at its end: the bindings a replica lists, the workers' sessions, metrics. */
final class SoakView {

    private SoakView() {
    }

    /** Every binding the replica lists, a page at a time. */
    static List<JsonObject> bindings(SidecarProcess replica) {
        List<JsonObject> all = new ArrayList<>();
        String token = "";
        do {
            String path = "/v1/sessions?limit=1000&page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            HttpResponse<String> page = call(() -> replica.get(path));
            if (page.statusCode() != 200) {
                throw new AssertionError("GET /v1/sessions answered " + page.statusCode() + ": " + page.body());
            }
            JsonObject body = new JsonObject(page.body());
            body.getJsonArray("sessions").forEach(session -> all.add((JsonObject) session));
            token = body.getString("next_page_token");
        } while (token != null);
        return all;
    }

    /** The engine-backed bindings as {@code session@instance}. */
    static Set<String> engineBacked(List<JsonObject> bindings) {
        Set<String> bound = new TreeSet<>();
        bindings.stream().filter(binding -> binding.getBoolean("engine_session"))
                .forEach(binding -> bound.add(binding.getString("session_id") + "@"
                        + binding.getString("instance_id")));
        return bound;
    }

    /** The sessions that requests in flight still hold, with how many. */
    static Set<String> held(List<JsonObject> bindings) {
        Set<String> held = new TreeSet<>();
        bindings.stream().filter(binding -> binding.getInteger("in_flight") != 0)
                .forEach(binding -> held.add(binding.getString("session_id") + " ("
                        + binding.getInteger("in_flight") + ")"));
        return held;
    }

    /** Every session the workers hold, as {@code session@instance}. */
    static Set<String> onWorkers(FakeWorkers workers) {
        Set<String> held = new TreeSet<>();
        for (String worker : workers.ids()) {
            workers.sessions(worker).forEach(session -> held.add(session + "@" + worker));
        }
        return held;
    }

    /** A replica's worker closes: running or waiting to retry, and waiting for their request to finish. */
    record OwedCloses(double running, double deferred) {

        boolean none() {
            return running == 0 && deferred == 0;
        }

        @Override
        public String toString() {
            return running + " running, " + deferred + " deferred";
        }
    }

    static OwedCloses owedCloses(SidecarProcess replica) {
        String scrape = call(() -> replica.management("/q/metrics")).body();
        return new OwedCloses(Metrics.valueIn(scrape, "kvsession_closes_pending"),
                Metrics.valueIn(scrape, "kvsession_closes_deferred"));
    }

    private interface Get {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    private static HttpResponse<String> call(Get get) {
        try {
            return get.send();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
