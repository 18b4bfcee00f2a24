package io.kvsession.sidecar.store;

/**
 * The bindings' scripts. A binding is one field of the hash {@code b} — session id → {@code instance \t kind (e|r)
 * \t ttl ms \t expires at ms \t revision \t review bucket \t requests in flight \t depth [\t parent]}, numbers in
 * base 36, so that a binding costs about 190 bytes — kept with per-instance counts ({@code i}), per-kind counts
 * ({@code n}), a revision counter ({@code rev}), and its deadline index: sets {@code d:<bucket>} of the sessions due
 * in each 1 s bucket, and the sorted set {@code dk} of buckets. A parent's children are the set {@code k:<parent>};
 * the sessions a request in flight holds are the hash {@code h:<context>} (session → instance), indexed by guard
 * deadline in the sorted set {@code hk}. Every key shares the store's one hash tag; keys derived from a prefix passed
 * in stay in the same slot. Each script is one atomic step: an expired binding leaves through exactly one of them,
 * which reports it.
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
              if not t[7] then t[7] = '0' end
              if not t[8] then t[8] = '0' end
              return t
            end
            local function inflight(f) return tonumber(f[7], 36) end
            local function expired(f, now) return inflight(f) == 0 and tonumber(f[4], 36) <= now end
            local function counted(f, by)
              redis.call('HINCRBY', KEYS[2], f[1], by)
              redis.call('HINCRBY', KEYS[3], f[2], by)
            end
            local function left(id, f, children)
              counted(f, -1)
              if f[9] then redis.call('SREM', children .. f[9], id) end
            end
            """;

    /**
     * KEYS b i n; ARGV session, now, children prefix. {0} unbound, {1, binding} live, {2, binding} expired (removed
     * now).
     */
    static final RedisScript PEEK = RedisScript.of("peek", COMMON + """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return {0} end
            local f = split(v)
            if expired(f, tonumber(ARGV[2])) then
              redis.call('HDEL', KEYS[1], ARGV[1])
              left(ARGV[1], f, ARGV[3])
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
              left(ARGV[1], f, ARGV[3])
              return {2, v}
            end
            f[4] = b36(now + tonumber(f[3], 36))
            v = table.concat(f, '\\t')
            redis.call('HSET', KEYS[1], ARGV[1], v)
            return {1, v}
            """);

    /**
     * KEYS b i n dk rev; ARGV session, instance, kind, ttl, now, max entries, bucket prefix, bucket ms, parent or '',
     * max per instance, max depth, max children, children prefix. Refusals: {3} the store is full, {4} the instance
     * is, {5} the parent has its maximum of children, {6} the parent is as deep as a parent may be, {7} the parent is
     * not bound. Else {1, binding, replaced live binding or false, replaced expired binding or false}. Without a
     * parent a rebind keeps the session's; requests in flight stay counted while it stays on the same instance.
     */
    static final RedisScript BIND = RedisScript.of("bind", COMMON + """
            local now = tonumber(ARGV[5])
            local ttl = tonumber(ARGV[4])
            local width = tonumber(ARGV[8])
            local parent, children = ARGV[9], ARGV[13]
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            local of, lapsed = nil, false
            if old then
              of = split(old)
              if expired(of, now) then lapsed, old = old, false end
            end
            local pf = nil
            if parent ~= '' then
              local pv = redis.call('HGET', KEYS[1], parent)
              if not pv then return {7} end
              pf = split(pv)
              if expired(pf, now) then return {7} end
              if tonumber(pf[8], 36) >= tonumber(ARGV[11]) then return {6} end
              if redis.call('SISMEMBER', children .. parent, ARGV[1]) == 0
                  and redis.call('SCARD', children .. parent) >= tonumber(ARGV[12]) then return {5} end
            end
            if not of and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[6]) then return {3} end
            if (not of or of[1] ~= ARGV[2])
                and tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') >= tonumber(ARGV[10]) then return {4} end
            local live = nil
            if old then live = of end
            local pid, depth, held = '', 0, 0
            if pf then
              pid, depth = parent, tonumber(pf[8], 36) + 1
            elseif live and live[9] then
              pid, depth = live[9], tonumber(live[8], 36)
            end
            if live and live[1] == ARGV[2] then held = inflight(live) end
            local bucket = math.floor((now + ttl) / width)
            local review = bucket
            if old and tonumber(of[6], 36) < bucket then review = tonumber(of[6], 36) end
            local f = {ARGV[2], ARGV[3], b36(ttl), b36(now + ttl), b36(redis.call('INCR', KEYS[5])), b36(review),
              b36(held), b36(depth)}
            if pid ~= '' then f[9] = pid end
            local v = table.concat(f, '\\t')
            redis.call('HSET', KEYS[1], ARGV[1], v)
            if review == bucket then
              redis.call('SADD', ARGV[7] .. b36(bucket), ARGV[1])
              redis.call('ZADD', KEYS[4], bucket, b36(bucket))
            end
            if of then
              counted(of, -1)
              if of[9] and of[9] ~= pid then redis.call('SREM', children .. of[9], ARGV[1]) end
            end
            counted(f, 1)
            if pid ~= '' then redis.call('SADD', children .. pid, ARGV[1]) end
            return {1, v, old, lapsed}
            """);

    /**
     * KEYS b i n; ARGV session, revision or '', children prefix. The binding removed, if it was there (and that
     * revision).
     */
    static final RedisScript UNBIND = RedisScript.of("unbind", COMMON + """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return false end
            local f = split(v)
            if ARGV[2] ~= '' and f[5] ~= ARGV[2] then return false end
            redis.call('HDEL', KEYS[1], ARGV[1])
            left(ARGV[1], f, ARGV[3])
            return v
            """);

    /**
     * KEYS b i n dk; ARGV bucket key, bucket (base 36), now, bucket prefix, bucket ms, batch, children prefix. Takes up
     * to a batch of the bucket's sessions: those that expired are removed and returned (session, binding, …); renewed
     * ones move to the bucket of their new deadline, held ones to a TTL from now. The bucket leaves the index once
     * empty.
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
                    left(id, f, ARGV[7])
                    lapsed[#lapsed + 1] = id
                    lapsed[#lapsed + 1] = v
                  else
                    local at = tonumber(f[4], 36)
                    if at <= now then at = now + tonumber(f[3], 36) end
                    local bucket = math.floor(at / width)
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

    /**
     * KEYS b hk; ARGV session, context, now, guard deadline, holds prefix. The request holds the session's live
     * binding (once, however often it is routed): {1, binding}; {0} when the session is not bound.
     */
    static final RedisScript HOLD = RedisScript.of("hold", COMMON + """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return {0} end
            local f = split(v)
            if expired(f, tonumber(ARGV[3])) then return {0} end
            if redis.call('HSETNX', ARGV[5] .. ARGV[2], ARGV[1], f[1]) == 1 then
              f[7] = b36(inflight(f) + 1)
              v = table.concat(f, '\\t')
              redis.call('HSET', KEYS[1], ARGV[1], v)
            end
            redis.call('ZADD', KEYS[2], 'NX', tonumber(ARGV[4]), ARGV[2])
            return {1, v}
            """);

    /**
     * KEYS b hk; ARGV context, now, holds prefix. The request finished: each session it held on the instance it is
     * still bound to has one request fewer in flight, and with none left its TTL counts from now. Answers the
     * sessions it held.
     */
    static final RedisScript RELEASE = RedisScript.of("release", COMMON + """
            local key = ARGV[3] .. ARGV[1]
            local held = redis.call('HGETALL', key)
            local now = tonumber(ARGV[2])
            local released = {}
            for i = 1, #held, 2 do
              local id, instance = held[i], held[i + 1]
              local v = redis.call('HGET', KEYS[1], id)
              if v then
                local f = split(v)
                local n = inflight(f)
                if f[1] == instance and n > 0 then
                  f[7] = b36(n - 1)
                  local at = now + tonumber(f[3], 36)
                  if n == 1 and at > tonumber(f[4], 36) then f[4] = b36(at) end
                  redis.call('HSET', KEYS[1], id, table.concat(f, '\\t'))
                end
              end
              released[#released + 1] = id
            end
            redis.call('DEL', key)
            redis.call('ZREM', KEYS[2], ARGV[1])
            return released
            """);
}
