package io.kvsession.sidecar.store;

import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;

/**
 * A binding as the store writes it: {@code instance \t kind \t ttl \t expires at \t revision \t bucket \t in flight
 * \t depth [\t parent]}; a binding written before requests in flight and parents were kept has none of either.
 */
final class RedisBindings {

    private RedisBindings() {
    }

    static Binding parse(String sessionId, String value, long bucketMillis) {
        String[] f = value.split("\t", -1);
        if (f.length < 6 || f.length > 9) {
            throw new IllegalStateException("unreadable binding of session " + sessionId + " in the store: " + value);
        }
        return new Binding(sessionId, f[0], "e".equals(f[1]) ? BindingKind.ENGINE_BACKED : BindingKind.ROUTER_ONLY,
                Long.parseLong(f[2], 36), Long.parseLong(f[3], 36), Long.parseLong(f[4], 36),
                Long.parseLong(f[5], 36) * bucketMillis, f.length > 8 ? f[8] : null,
                f.length > 7 ? Integer.parseInt(f[7], 36) : 0, f.length > 6 ? Integer.parseInt(f[6], 36) : 0);
    }

    static String kind(BindingKind kind) {
        return kind.engineBacked() ? "e" : "r";
    }
}
