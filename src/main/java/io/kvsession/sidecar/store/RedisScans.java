package io.kvsession.sidecar.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingPage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/** Reads over every binding in Redis, a page of the hash at a time (HSCAN): for operators, not the request path. */
final class RedisScans {

    private static final int SCAN_COUNT = 1_000;

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final Clock clock;

    RedisScans(RedisCalls redis, RedisKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    /** Live bindings after {@code afterSessionId}, optionally of one instance, ordered by session id. */
    Uni<BindingPage> page(String afterSessionId, int limit, String instanceId) {
        long now = clock.millis();
        return all().map(bindings -> {
            List<Binding> page = bindings.stream()
                    .filter(binding -> !binding.expiredAt(now))
                    .filter(binding -> afterSessionId == null || binding.sessionId().compareTo(afterSessionId) > 0)
                    .filter(binding -> instanceId == null || instanceId.equals(binding.instanceId()))
                    .sorted(Comparator.comparing(Binding::sessionId))
                    .limit(limit + 1L)
                    .toList();
            return page.size() > limit ? new BindingPage(page.subList(0, limit), true) : new BindingPage(page, false);
        });
    }

    /** Every binding of one instance, expired ones not swept yet included. */
    Uni<List<Binding>> bindingsOf(String instanceId) {
        return all().map(bindings -> bindings.stream().filter(binding -> binding.instanceId().equals(instanceId))
                .toList());
    }

    private Uni<List<Binding>> all() {
        return scan("0", new ArrayList<>());
    }

    private Uni<List<Binding>> scan(String cursor, List<Binding> found) {
        return redis.send("scan", Request.cmd(Command.HSCAN).arg(keys.bindings()).arg(cursor).arg("COUNT")
                .arg(SCAN_COUNT))
                .flatMap(reply -> {
                    Response entries = reply.get(1);
                    for (int i = 0; i + 1 < entries.size(); i += 2) {
                        String sessionId = entries.get(i).toString();
                        found.add(RedisBindings.parse(sessionId, entries.get(i + 1).toString(),
                                RedisAffinityStore.BUCKET_MILLIS));
                    }
                    String next = reply.get(0).toString();
                    return "0".equals(next) ? Uni.createFrom().item(found) : scan(next, found);
                });
    }
}
