package io.kvsession.sidecar.store;

/**
 * The bindings' scripts. A binding is one field of the hash {@code b} — session id → {@code instance \t kind (e|r)
 * \t ttl ms \t expires at ms \t revision \t review bucket}, numbers in base 36, so that a binding costs about 190
 * bytes — kept with per-instance counts ({@code i}), per-kind counts ({@code n}), a revision counter
 * ({@code rev}), and its deadline index: sets {@code d:<bucket>} of the sessions due in each 1 s bucket, and the
 * sorted set {@code dk} of buckets. Every key shares the store's one hash tag; bucket keys are derived from the
 * prefix passed in, in the same slot. Each script is one atomic step: an expired binding leaves through exactly one
 * of them, which reports it.
 */
final class BindingScripts {

    private BindingScripts() {
    }

    private static final String COMMON = """
            local D = '0123456789abcdefghijklmnopqrstuvwxyz'
            local function b36(n)
              local s = ''
              repeat
                local r = n % 36
                s = string.sub(D, r + 1, r + 1) .. s
                n = math.floor(n / 36)
              until n == 0
              return s
            end
            local function split(v)
              local t = {}
              for f in string.gmatch(v, '[^\\t]+') do t[#t + 1] = f end
              return t
            end
            local function expired(f, now) return tonumber(f[4], 36) <= now end
            local function counted(f, by)
              redis.call('HINCRBY', KEYS[2], f[1], by)
              redis.call('HINCRBY', KEYS[3], f[2], by)
            end
            """;

    /** KEYS b i n; ARGV session, now. {0} unbound, {1, binding} live, {2, binding} expired (removed now). */
    static final RedisScript PEEK = RedisScript.of("peek", COMMON + """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return {0} end
            local f = split(v)
            if expired(f, tonumber(ARGV[2])) then
              redis.call('HDEL', KEYS[1], ARGV[1])
              counted(f, -1)
              return {2, v}
            end
            return {1, v}
            """);

    /** As {@link #PEEK}, and a live binding's deadline moves to now + its TTL. */
    static final RedisScript TOUCH = RedisScript.of("touch", COMMON + """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return {0} end
            local f = split(v)
            local now = tonumber(ARGV[2])
            if expired(f, now) then
              redis.call('HDEL', KEYS[1], ARGV[1])
              counted(f, -1)
              return {2, v}
            end
            f[4] = b36(now + tonumber(f[3], 36))
            v = table.concat(f, '\\t')
            redis.call('HSET', KEYS[1], ARGV[1], v)
            return {1, v}
            """);

    /**
     * KEYS b i n dk rev; ARGV session, instance, kind, ttl, now, max entries, bucket prefix, bucket ms.
     * {3} when the store is full; else {1, binding, replaced live binding or false, replaced expired binding or false}.
     */
    static final RedisScript BIND = RedisScript.of("bind", COMMON + """
            local now = tonumber(ARGV[5])
            local ttl = tonumber(ARGV[4])
            local width = tonumber(ARGV[8])
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            local of, lapsed = nil, false
            if old then
              of = split(old)
              if expired(of, now) then lapsed, old = old, false end
            end
            if not of and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[6]) then return {3} end
            local bucket = math.floor((now + ttl) / width)
            local review = bucket
            if old and tonumber(of[6], 36) < bucket then review = tonumber(of[6], 36) end
            local f = {ARGV[2], ARGV[3], b36(ttl), b36(now + ttl), b36(redis.call('INCR', KEYS[5])), b36(review)}
            local v = table.concat(f, '\\t')
            redis.call('HSET', KEYS[1], ARGV[1], v)
            if review == bucket then
              redis.call('SADD', ARGV[7] .. b36(bucket), ARGV[1])
              redis.call('ZADD', KEYS[4], bucket, b36(bucket))
            end
            if of then counted(of, -1) end
            counted(f, 1)
            return {1, v, old, lapsed}
            """);

    /** KEYS b i n; ARGV session, revision or ''. The binding removed, if it was there (and that revision). */
    static final RedisScript UNBIND = RedisScript.of("unbind", COMMON + """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return false end
            local f = split(v)
            if ARGV[2] ~= '' and f[5] ~= ARGV[2] then return false end
            redis.call('HDEL', KEYS[1], ARGV[1])
            counted(f, -1)
            return v
            """);

    /**
     * KEYS b i n dk; ARGV bucket key, bucket (base 36), now, bucket prefix, bucket ms, batch. Takes up to a batch of
     * the bucket's sessions: those that expired are removed and returned (session, binding, …); renewed ones move to
     * the bucket of their new deadline. The bucket leaves the index once empty.
     */
    static final RedisScript REAP = RedisScript.of("reap", COMMON + """
            local now = tonumber(ARGV[3])
            local width = tonumber(ARGV[5])
            local lapsed = {}
            for _, id in ipairs(redis.call('SPOP', ARGV[1], tonumber(ARGV[6]))) do
              local v = redis.call('HGET', KEYS[1], id)
              if v then
                local f = split(v)
                if f[6] == ARGV[2] then
                  if expired(f, now) then
                    redis.call('HDEL', KEYS[1], id)
                    counted(f, -1)
                    lapsed[#lapsed + 1] = id
                    lapsed[#lapsed + 1] = v
                  else
                    local bucket = math.floor(tonumber(f[4], 36) / width)
                    f[6] = b36(bucket)
                    redis.call('HSET', KEYS[1], id, table.concat(f, '\\t'))
                    redis.call('SADD', ARGV[4] .. f[6], id)
                    redis.call('ZADD', KEYS[4], bucket, f[6])
                  end
                end
              end
            end
            if redis.call('SCARD', ARGV[1]) == 0 then redis.call('ZREM', KEYS[4], ARGV[2]) end
            return lapsed
            """);
}
