package io.kvsession.sidecar.store;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.affinity.OpenClaim;
import io.kvsession.sidecar.affinity.OpenResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Single flight of opens across replicas (SPEC §8.2): a replica claims {@code o:<session>} (replica, instance and a
 * token of its own) before it sends the open; the others wait until it is gone and read how it ended in
 * {@code r:<session>}, written with the same token when the claim is released. A claim that lapses without a result
 * (its replica died) is abandoned, and the waiters claim it themselves.
 */
final class RedisOpenClaims {

    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration RESULT_KEPT = Duration.ofSeconds(10);

    private static final RedisScript CLAIM = RedisScript.of("claim_open", """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
            return {0, redis.call('GET', KEYS[1])}
            """);

    private static final RedisScript RELEASE = RedisScript.of("release_open", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
            return 1
            """);

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final String replica;
    /** The claim this replica holds per session, to release it with the same value. */
    private final ConcurrentHashMap<String, String> held = new ConcurrentHashMap<>();

    RedisOpenClaims(RedisCalls redis, RedisKeys keys, String replica) {
        this.redis = redis;
        this.keys = keys;
        this.replica = replica;
    }

    Uni<OpenClaim> claim(String sessionId, String instanceId, Duration hold) {
        String value = replica + '\t' + instanceId + '\t' + UUID.randomUUID();
        return redis.eval(CLAIM, List.of(keys.openLease(sessionId)), List.of(value, Long.toString(hold.toMillis())))
                .map(reply -> {
                    if (reply.get(0).toInteger() == 1) {
                        held.put(sessionId, value);
                        return new OpenClaim(true, instanceId);
                    }
                    String[] other = text(reply.get(1)).split("\t", -1);
                    return new OpenClaim(false, other.length > 1 ? other[1] : "");
                });
    }

    Uni<Void> release(String sessionId, Throwable failure) {
        String value = held.remove(sessionId);
        if (value == null) {
            return Uni.createFrom().voidItem();
        }
        String token = value.substring(value.lastIndexOf('\t') + 1);
        String result = failure == null ? token + "\tok" : token + "\tf\t" + reason(failure) + '\t'
                + String.valueOf(failure.getMessage()).replace('\t', ' ');
        return redis.eval(RELEASE, List.of(keys.openLease(sessionId), keys.openOutcome(sessionId)),
                List.of(value, result, Long.toString(RESULT_KEPT.toMillis()))).replaceWithVoid();
    }

    /** Polls until the claim on the session is gone (or {@code within} has passed), then reads how it ended. */
    Uni<OpenResult> await(String sessionId, Duration within) {
        return get(keys.openLease(sessionId)).flatMap(claim -> claim == null
                ? Uni.createFrom().item(new OpenResult(OpenResult.State.ABANDONED, null, null))
                : poll(sessionId, claim, System.nanoTime() + within.toNanos()));
    }

    private Uni<OpenResult> poll(String sessionId, String claim, long deadlineNanos) {
        return get(keys.openLease(sessionId)).flatMap(now -> {
            if (claim.equals(now) && System.nanoTime() < deadlineNanos) {
                return Uni.createFrom().voidItem().onItem().delayIt().by(POLL)
                        .flatMap(ignored -> poll(sessionId, claim, deadlineNanos));
            }
            String token = claim.substring(claim.lastIndexOf('\t') + 1);
            return get(keys.openOutcome(sessionId)).map(result -> resultOf(token, result));
        });
    }

    private static OpenResult resultOf(String token, String result) {
        if (result == null || !result.startsWith(token + '\t')) {
            return new OpenResult(OpenResult.State.ABANDONED, null, null);
        }
        String[] f = result.split("\t", 4);
        if ("ok".equals(f[1])) {
            return new OpenResult(OpenResult.State.SUCCEEDED, null, null);
        }
        return new OpenResult(OpenResult.State.FAILED, Failure.valueOf(f[2]), f.length > 3 ? f[3] : "");
    }

    private static String reason(Throwable failure) {
        return failure instanceof SidecarException known ? known.failure().name() : Failure.WORKER_REJECTED.name();
    }

    private Uni<String> get(String key) {
        return redis.send("open_claim", Request.cmd(Command.GET).arg(key)).map(RedisOpenClaims::text);
    }

    private static String text(Response response) {
        return response == null ? null : response.toString();
    }
}
