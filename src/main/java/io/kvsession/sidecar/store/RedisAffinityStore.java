package io.kvsession.sidecar.store;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.BindRefusedException;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.kvsession.sidecar.affinity.BindingPage;
import io.kvsession.sidecar.affinity.Bound;
import io.kvsession.sidecar.affinity.ExpiryListener;
import io.kvsession.sidecar.affinity.Limits;
import io.kvsession.sidecar.affinity.OpenClaim;
import io.kvsession.sidecar.affinity.OpenResult;
import io.kvsession.sidecar.affinity.StoreCounts;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Bindings in Redis (SPEC §8), shared by every replica that uses the same prefix and kept across restarts. Each
 * change of one session is one script ({@link BindingScripts}), so it is atomic across replicas: a rebind gets a new
 * revision, a compare-and-delete never removes a newer binding, and an expired binding leaves through exactly one
 * script run — on one replica — which reports it to the {@link ExpiryListener}. Times come from the injected clock.
 */
public final class RedisAffinityStore implements AffinityStore {

    static final long BUCKET_MILLIS = 1_000;
    private static final int REAP_BATCH = 256;

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final Limits limits;
    private final ExpiryListener listener;
    private final RedisOpenClaims claims;
    private final RedisHolds holds;
    private final RedisScans scans;
    private volatile StoreCounts counts;

    RedisAffinityStore(RedisCalls redis, RedisKeys keys, RedisOpenClaims claims, Clock clock, Limits limits,
            ExpiryListener listener) {
        this.redis = redis;
        this.keys = keys;
        this.claims = claims;
        this.holds = new RedisHolds(redis, keys, clock);
        this.scans = new RedisScans(redis, keys, clock);
        this.clock = clock;
        this.limits = limits;
        this.listener = listener;
        this.counts = new StoreCounts(0, 0, 0, limits.maxEntries());
    }

    @Override
    public Uni<Optional<Binding>> peek(String sessionId) {
        return lookup(BindingScripts.PEEK, sessionId);
    }

    @Override
    public Uni<Optional<Binding>> touch(String sessionId) {
        return lookup(BindingScripts.TOUCH, sessionId);
    }

    /** A full store or instance is swept once, then tried again. */
    @Override
    public Uni<Bound> bind(String sessionId, String instanceId, BindingKind kind, Duration ttl,
            String parentSessionId) {
        return bindOnce(sessionId, instanceId, kind, ttl, parentSessionId)
                .onFailure(BindRefusedException.class).recoverWithUni(refused -> {
                    BindRefusedException.Reason reason = ((BindRefusedException) refused).reason();
                    if (reason != BindRefusedException.Reason.TABLE_FULL
                            && reason != BindRefusedException.Reason.INSTANCE_FULL) {
                        return Uni.createFrom().failure(refused);
                    }
                    return reap().flatMap(swept -> bindOnce(sessionId, instanceId, kind, ttl, parentSessionId));
                });
    }

    @Override
    public Uni<Optional<Binding>> hold(String sessionId, String contextId, Duration guard) {
        return holds.hold(sessionId, contextId, guard);
    }

    @Override
    public Uni<List<String>> release(String contextId) {
        return holds.release(contextId);
    }

    @Override
    public Uni<List<String>> releaseOverdue() {
        return holds.releaseOverdue();
    }

    @Override
    public Uni<List<String>> children(String sessionId) {
        return redis.send("children", Request.cmd(Command.SMEMBERS).arg(keys.childrenPrefix() + sessionId))
                .map(reply -> RedisHolds.strings(reply).stream().sorted().toList());
    }

    @Override
    public Uni<Optional<Binding>> unbind(String sessionId) {
        return remove(sessionId, "").map(Optional::ofNullable);
    }

    @Override
    public Uni<Boolean> unbind(Binding binding) {
        return remove(binding.sessionId(), Long.toString(binding.revision(), 36)).map(removed -> removed != null);
    }

    @Override
    public Uni<Boolean> hasRoom() {
        return size().flatMap(size -> size < limits.maxEntries() ? Uni.createFrom().item(true)
                : reap().flatMap(swept -> size()).map(after -> after < limits.maxEntries()));
    }

    @Override
    public Uni<Boolean> hasRoomOn(String instanceId) {
        return sessionsOn(instanceId).flatMap(held -> held < limits.maxPerInstance() ? Uni.createFrom().item(true)
                : reap().flatMap(swept -> sessionsOn(instanceId)).map(after -> after < limits.maxPerInstance()));
    }

    /** Sweeps every due bucket, a batch at a time, reporting each expired binding. */
    @Override
    public Uni<Integer> reap() {
        long now = clock.millis();
        return redis.send("due_buckets", Request.cmd(Command.ZRANGEBYSCORE).arg(keys.buckets()).arg("-inf")
                .arg(now / BUCKET_MILLIS - 1))
                .onItem().transformToMulti(due -> Multi.createFrom().iterable(RedisHolds.strings(due)))
                .onItem().transformToUniAndConcatenate(bucket -> sweep(bucket, now))
                .collect().with(Collectors.summingInt(Integer::intValue))
                .call(this::refreshCounts);
    }

    @Override
    public Uni<BindingPage> page(String afterSessionId, int limit, String instanceId) {
        return scans.page(afterSessionId, limit, instanceId);
    }

    @Override
    public Uni<List<Binding>> bindingsOf(String instanceId) {
        return scans.bindingsOf(instanceId);
    }

    @Override
    public Uni<Map<String, Integer>> countByInstance() {
        return reap().flatMap(swept -> redis.send("count_by_instance", Request.cmd(Command.HGETALL)
                .arg(keys.instanceCounts())))
                .map(RedisAffinityStore::counts);
    }

    @Override
    public StoreCounts counts() {
        return counts;
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public boolean reachable() {
        return !redis.down();
    }

    @Override
    public Uni<OpenClaim> claimOpen(String sessionId, String instanceId, Duration hold) {
        return claims.claim(sessionId, instanceId, hold);
    }

    @Override
    public Uni<Void> releaseOpen(String sessionId, Throwable failure) {
        return claims.release(sessionId, failure);
    }

    @Override
    public Uni<OpenResult> awaitOpen(String sessionId, Duration within) {
        return claims.await(sessionId, within);
    }

    private Uni<Optional<Binding>> lookup(RedisScript script, String sessionId) {
        return redis.eval(script, keys.counted(), List.of(sessionId, Long.toString(clock.millis()),
                keys.childrenPrefix()))
                .map(reply -> {
                    int state = reply.get(0).toInteger();
                    if (state == 0) {
                        return Optional.empty();
                    }
                    Binding binding = RedisBindings.parse(sessionId, reply.get(1).toString(), BUCKET_MILLIS);
                    if (state == 2) {
                        listener.expired(binding);
                        return Optional.empty();
                    }
                    return Optional.of(binding);
                });
    }

    /** One try: the bound pair, or the limit that refused it. */
    private Uni<Bound> bindOnce(String sessionId, String instanceId, BindingKind kind, Duration ttl,
            String parentSessionId) {
        return redis.eval(BindingScripts.BIND, keys.filed(), List.of(sessionId, instanceId,
                RedisBindings.kind(kind), Long.toString(ttl.toMillis()), Long.toString(clock.millis()),
                Integer.toString(limits.maxEntries()), keys.bucketPrefix(), Long.toString(BUCKET_MILLIS),
                parentSessionId == null ? "" : parentSessionId, Integer.toString(limits.maxPerInstance()),
                Integer.toString(limits.maxDepth()), Integer.toString(limits.maxChildren()), keys.childrenPrefix()))
                .map(reply -> {
                    switch (reply.get(0).toInteger()) {
                        case 3 -> throw BindRefusedException.tableFull(limits.maxEntries());
                        case 4 -> throw BindRefusedException.instanceFull(instanceId, limits.maxPerInstance());
                        case 5 -> throw BindRefusedException.tooManyChildren(parentSessionId, limits.maxChildren());
                        case 6 -> throw BindRefusedException.tooDeep(parentSessionId, limits.maxDepth());
                        case 7 -> throw BindRefusedException.parentUnbound(parentSessionId);
                        default -> {
                        }
                    }
                    Binding bound = RedisBindings.parse(sessionId, reply.get(1).toString(), BUCKET_MILLIS);
                    if (reply.get(3) != null) {
                        listener.expired(RedisBindings.parse(sessionId, reply.get(3).toString(), BUCKET_MILLIS));
                    }
                    return new Bound(bound, Optional.ofNullable(reply.get(2))
                            .map(old -> RedisBindings.parse(sessionId, old.toString(), BUCKET_MILLIS)));
                });
    }

    private Uni<Binding> remove(String sessionId, String revision) {
        return redis.eval(BindingScripts.UNBIND, keys.counted(), List.of(sessionId, revision,
                keys.childrenPrefix()))
                .map(reply -> reply == null ? null : RedisBindings.parse(sessionId, reply.toString(), BUCKET_MILLIS));
    }

    /** Empties one due bucket, a batch per script run; answers how many bindings expired. */
    private Uni<Integer> sweep(String bucket, long now) {
        List<String> args = List.of(keys.bucketPrefix() + bucket, bucket, Long.toString(now), keys.bucketPrefix(),
                Long.toString(BUCKET_MILLIS), Integer.toString(REAP_BATCH), keys.childrenPrefix());
        List<String> scriptKeys = List.of(keys.bindings(), keys.instanceCounts(), keys.kindCounts(), keys.buckets());
        return redis.eval(BindingScripts.REAP, scriptKeys, args)
                .map(reply -> {
                    for (int i = 0; i + 1 < reply.size(); i += 2) {
                        String sessionId = reply.get(i).toString();
                        listener.expired(RedisBindings.parse(sessionId, reply.get(i + 1).toString(), BUCKET_MILLIS));
                    }
                    return reply.size() / 2;
                })
                .flatMap(expired -> redis.send("bucket_size", Request.cmd(Command.SCARD)
                        .arg(keys.bucketPrefix() + bucket))
                        .flatMap(left -> left.toLong() > 0 ? sweep(bucket, now).map(more -> expired + more)
                                : Uni.createFrom().item(expired)));
    }

    private Uni<Integer> sessionsOn(String instanceId) {
        return redis.send("instance_count", Request.cmd(Command.HGET).arg(keys.instanceCounts()).arg(instanceId))
                .map(count -> count == null ? 0 : count.toInteger());
    }

    private Uni<Long> size() {
        return redis.send("size", Request.cmd(Command.HLEN).arg(keys.bindings())).map(Response::toLong);
    }

    private Uni<Void> refreshCounts() {
        return size().flatMap(size -> redis.send("kind_counts", Request.cmd(Command.HGETALL).arg(keys.kindCounts()))
                .map(kinds -> {
                    Map<String, Integer> byKind = counts(kinds);
                    counts = new StoreCounts(size.intValue(), byKind.getOrDefault("e", 0), byKind.getOrDefault("r", 0),
                            limits.maxEntries());
                    return null;
                }));
    }

    /** A flat HGETALL reply as counts, dropping fields that fell to zero. */
    private static Map<String, Integer> counts(Response reply) {
        Map<String, Integer> counts = new HashMap<>();
        if (reply.isMap()) {
            reply.getKeys().forEach(key -> counts.put(key, reply.get(key).toInteger()));
        } else {
            for (int i = 0; i + 1 < reply.size(); i += 2) {
                counts.put(reply.get(i).toString(), reply.get(i + 1).toInteger());
            }
        }
        counts.values().removeIf(count -> count <= 0);
        return counts;
    }
}
