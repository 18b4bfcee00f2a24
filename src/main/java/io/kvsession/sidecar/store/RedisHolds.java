package io.kvsession.sidecar.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.kvsession.sidecar.affinity.Binding;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Requests in flight holding bindings, in Redis (SPEC §9.2): a request's holds are one hash, indexed by guard
 * deadline, and each hold or release is one script ({@link BindingScripts#HOLD}, {@link BindingScripts#RELEASE}), so
 * a finish on any replica releases what a route on another took.
 */
final class RedisHolds {

    private static final int OVERDUE_BATCH = 256;

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final Clock clock;

    RedisHolds(RedisCalls redis, RedisKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    Uni<Optional<Binding>> hold(String sessionId, String contextId, Duration guard) {
        long now = clock.millis();
        return redis.eval(BindingScripts.HOLD, List.of(keys.bindings(), keys.holdIndex()), List.of(sessionId,
                contextId, Long.toString(now), Long.toString(now + guard.toMillis()), keys.holdsPrefix()))
                .map(reply -> reply.get(0).toInteger() == 0 ? Optional.<Binding> empty()
                        : Optional.of(RedisBindings.parse(sessionId, reply.get(1).toString(),
                                RedisAffinityStore.BUCKET_MILLIS)));
    }

    Uni<List<String>> release(String contextId) {
        return redis.eval(BindingScripts.RELEASE, List.of(keys.bindings(), keys.holdIndex()), List.of(contextId,
                Long.toString(clock.millis()), keys.holdsPrefix()))
                .map(RedisHolds::strings);
    }

    /** A batch of the overdue requests at a time; each release is its own script, and a second one finds nothing. */
    Uni<List<String>> releaseOverdue() {
        return redis.send("overdue_holds", Request.cmd(Command.ZRANGEBYSCORE).arg(keys.holdIndex()).arg("-inf")
                .arg(clock.millis()).arg("LIMIT").arg(0).arg(OVERDUE_BATCH))
                .map(RedisHolds::strings)
                .call(overdue -> Multi.createFrom().iterable(overdue)
                        .onItem().transformToUniAndConcatenate(this::release)
                        .collect().last());
    }

    static List<String> strings(Response array) {
        List<String> values = new ArrayList<>(array.size());
        array.forEach(value -> values.add(value.toString()));
        return values;
    }
}
