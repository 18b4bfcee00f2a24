package io.kvsession.sidecar.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The closes replicas owe, in Redis: the hash {@code c} maps {@code session \t instance} to {@code owner \t state
 * (p pending | h held) \t ttl ms \t context \t reason \t rollback (0|1) \t deadline ms}; the hash {@code x} maps a
 * request to the closes held for it. A replica is alive while its key {@code a:<replica>} exists (kept for
 * {@code kvsession.affinity.redis.replica-timeout}, renewed four times within); the pending closes of a replica that
 * is not alive, and held closes past their deadline, are claimed by another replica — atomically, so by one.
 */
final class RedisCloseLedger implements CloseLedger {

    /** A held close whose owner is alive is left to that owner's own guard for this much longer. */
    private static final long GUARD_GRACE_MILLIS = 10_000;

    /**
     * How long the mark a re-open leaves stays (past the guard's max wait, which bounds how long a replica holds a
     * close in memory): a close older than the mark that a replica still holds then, or retries, finds it called off.
     */
    private static final long MARK_MILLIS = 600_000;

    private static final RedisScript HELD = RedisScript.of("close_held", """
            local cur = redis.call('HGET', KEYS[1], ARGV[1])
            if not cur or string.match(cur, '^[^\t]*\t([^\t]*)\t') == 'x' then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            end
            local holders = redis.call('HGET', KEYS[2], ARGV[2])
            redis.call('HSET', KEYS[2], ARGV[2], holders and (holders .. '\\n' .. ARGV[1]) or ARGV[1])
            return 1
            """);

    private static final RedisScript SETTLED = RedisScript.of("close_settled", """
            local cur = redis.call('HGET', KEYS[1], ARGV[1])
            if cur and string.sub(cur, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. '\\t' then
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 1
            """);

    private static final RedisScript RELEASE = RedisScript.of("close_release", """
            local fields = redis.call('HGET', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            local taken = {}
            if not fields then return taken end
            for field in string.gmatch(fields, '[^\\n]+') do
              local cur = redis.call('HGET', KEYS[1], field)
              if cur then
                local owner, state, rest = string.match(cur, '^([^\\t]*)\\t([^\\t]*)\\t(.*)$')
                if state == 'h' then
                  local mine = ARGV[2] .. '\\tp\\t' .. rest
                  redis.call('HSET', KEYS[1], field, mine)
                  taken[#taken + 1] = field
                  taken[#taken + 1] = mine
                end
              end
            end
            return taken
            """);

    /** Writes a pending close, unless a re-open after it was owed (ARGV[3]) left its mark. */
    private static final RedisScript PENDING = RedisScript.of("close_pending", """
            local cur = redis.call('HGET', KEYS[1], ARGV[1])
            if cur then
              local state, at = string.match(cur, '^[^\t]*\t([^\t]*)\t[^\t]*\t[^\t]*\t[^\t]*\t[^\t]*\t(%d+)$')
              if state == 'x' and tonumber(at) > tonumber(ARGV[3]) then return 0 end
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return 1
            """);

    /** Replaces an owed close by the mark of a re-open; 1 when a close was owed (not already a mark). */
    private static final RedisScript CANCEL = RedisScript.of("close_cancel", """
            local cur = redis.call('HGET', KEYS[1], ARGV[1])
            if not cur then return 0 end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            if string.match(cur, '^[^\t]*\t([^\t]*)\t') == 'x' then return 0 end
            return 1
            """);

    private static final RedisScript DROP = RedisScript.of("close_drop", """
            if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
            return redis.call('HDEL', KEYS[1], ARGV[1])
            """);

    private static final RedisScript CLAIM = RedisScript.of("close_claim", """
            if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return false end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            return ARGV[3]
            """);

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final String replica;
    private final long aliveMillis;

    RedisCloseLedger(RedisCalls redis, RedisKeys keys, String replica, Duration replicaTimeout) {
        this.redis = redis;
        this.keys = keys;
        this.replica = replica;
        this.aliveMillis = replicaTimeout.toMillis();
    }

    @Override
    public Uni<Void> pending(Entry entry, long sinceMillis) {
        return redis.eval(PENDING, List.of(keys.closes()), List.of(field(entry.sessionId(), entry.instanceId()),
                value(replica, "p", entry, 0), Long.toString(sinceMillis))).replaceWithVoid();
    }

    @Override
    public Uni<Void> held(String contextId, Entry entry, long deadlineMillis) {
        return redis.eval(HELD, List.of(keys.closes(), keys.heldBy()), List.of(field(entry.sessionId(),
                entry.instanceId()), contextId, value(replica, "h", entry, deadlineMillis))).replaceWithVoid();
    }

    @Override
    public Uni<Void> settled(String sessionId, String instanceId) {
        return redis.eval(SETTLED, List.of(keys.closes()), List.of(field(sessionId, instanceId), replica))
                .replaceWithVoid();
    }

    @Override
    public Uni<Boolean> cancel(String sessionId, String instanceId, long nowMillis) {
        String mark = String.join("\t", "", "x", "0", "", "reopened", "0", Long.toString(nowMillis));
        return redis.eval(CANCEL, List.of(keys.closes()), List.of(field(sessionId, instanceId), mark))
                .map(owed -> owed.toInteger() > 0);
    }

    @Override
    public Uni<Boolean> calledOff(String sessionId, String instanceId, long sinceMillis) {
        return redis.send("close_called_off", Request.cmd(Command.HGET).arg(keys.closes())
                .arg(field(sessionId, instanceId))).map(value -> {
                    String[] f = value == null ? new String[0] : value.toString().split("\t", -1);
                    return f.length > 6 && "x".equals(f[1]) && Long.parseLong(f[6]) > sinceMillis;
                });
    }

    @Override
    public Uni<List<Entry>> release(String contextId) {
        return redis.eval(RELEASE, List.of(keys.closes(), keys.heldBy()), List.of(contextId, replica))
                .map(RedisCloseLedger::entries);
    }

    /**
     * Scans every owed close; claims the pending ones of replicas not alive and held ones past their deadline, and
     * drops the marks of re-opens that no close can be older than any more.
     */
    @Override
    public Uni<List<Entry>> takeOver(long nowMillis) {
        Map<String, Boolean> alive = new HashMap<>();
        alive.put(replica, true);
        return scan("0", new ArrayList<>())
                .onItem().transformToMulti(records -> Multi.createFrom().iterable(records))
                .onItem().transformToUniAndConcatenate(record -> "x".equals(record.state())
                        ? dropMark(record, nowMillis)
                        : orphaned(record, nowMillis, alive)
                                .flatMap(take -> take ? claim(record) : Uni.createFrom().nullItem()))
                .select().where(entry -> entry != null)
                .collect().asList();
    }

    @Override
    public Uni<Void> heartbeat(boolean alive) {
        Request request = alive
                ? Request.cmd(Command.SET).arg(keys.alive(replica)).arg("1").arg("PX").arg(aliveMillis)
                : Request.cmd(Command.DEL).arg(keys.alive(replica));
        return redis.send("heartbeat", request).replaceWithVoid();
    }

    /** A quarter of the replica timeout: a replica that died is found within about 1.25 times it. */
    @Override
    public Optional<Duration> beat() {
        return Optional.of(Duration.ofMillis(aliveMillis / 4));
    }

    private record Owed(String field, String value, String owner, String state, long deadlineMillis) {
    }

    private Uni<Boolean> orphaned(Owed owed, long nowMillis, Map<String, Boolean> alive) {
        boolean pastDeadline = "h".equals(owed.state()) && owed.deadlineMillis() <= nowMillis;
        if (pastDeadline && (owed.owner().equals(replica)
                || owed.deadlineMillis() + GUARD_GRACE_MILLIS <= nowMillis)) {
            return Uni.createFrom().item(true);
        }
        if (owed.owner().equals(replica)) {
            return Uni.createFrom().item(false);
        }
        Boolean known = alive.get(owed.owner());
        Uni<Boolean> ownerAlive = known != null ? Uni.createFrom().item(known)
                : redis.send("alive", Request.cmd(Command.EXISTS).arg(keys.alive(owed.owner())))
                        .map(exists -> exists.toInteger() > 0)
                        .invoke(answer -> alive.put(owed.owner(), answer));
        return ownerAlive.map(isAlive -> !isAlive && ("p".equals(owed.state()) || pastDeadline));
    }

    private Uni<Entry> dropMark(Owed mark, long nowMillis) {
        if (mark.deadlineMillis() + MARK_MILLIS > nowMillis) {
            return Uni.createFrom().nullItem();
        }
        return redis.eval(DROP, List.of(keys.closes()), List.of(mark.field(), mark.value()))
                .map(dropped -> (Entry) null);
    }

    private Uni<Entry> claim(Owed owed) {
        String mine = replica + "\tp\t" + owed.value().split("\t", 3)[2];
        return redis.eval(CLAIM, List.of(keys.closes()), List.of(owed.field(), owed.value(), mine))
                .map(reply -> reply == null ? null : entry(owed.field(), mine));
    }

    private Uni<List<Owed>> scan(String cursor, List<Owed> found) {
        return redis.send("close_scan", Request.cmd(Command.HSCAN).arg(keys.closes()).arg(cursor).arg("COUNT")
                .arg(1000))
                .flatMap(reply -> {
                    Response pairs = reply.get(1);
                    for (int i = 0; i + 1 < pairs.size(); i += 2) {
                        String value = pairs.get(i + 1).toString();
                        String[] f = value.split("\t", -1);
                        found.add(new Owed(pairs.get(i).toString(), value, f[0], f[1], Long.parseLong(f[6])));
                    }
                    String next = reply.get(0).toString();
                    return "0".equals(next) ? Uni.createFrom().item(found) : scan(next, found);
                });
    }

    private static String field(String sessionId, String instanceId) {
        return sessionId + '\t' + instanceId;
    }

    private static String value(String owner, String state, Entry entry, long deadlineMillis) {
        return String.join("\t", owner, state, Long.toString(entry.ttlMillis()),
                entry.contextId() == null ? "" : entry.contextId(), entry.reason(), entry.rollback() ? "1" : "0",
                Long.toString(deadlineMillis));
    }

    private static List<Entry> entries(Response reply) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            entries.add(entry(reply.get(i).toString(), reply.get(i + 1).toString()));
        }
        return entries;
    }

    private static Entry entry(String field, String value) {
        String[] key = field.split("\t", 2);
        String[] f = value.split("\t", -1);
        return new Entry(key[0], key[1], Long.parseLong(f[2]), f[3].isEmpty() ? null : f[3], f[4], "1".equals(f[5]));
    }
}
