package io.kvsession.sidecar.store;

import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;

/** A binding as the store writes it: {@code instance \t kind \t ttl \t expires at \t revision \t bucket}. */
final class RedisBindings {

    private RedisBindings() {
    }

    static Binding parse(String sessionId, String value, long bucketMillis) {
        String[] f = value.split("\t", -1);
        if (f.length != 6) {
            throw new IllegalStateException("unreadable binding of session " + sessionId + " in the store: " + value);
        }
        return new Binding(sessionId, f[0], "e".equals(f[1]) ? BindingKind.ENGINE_BACKED : BindingKind.ROUTER_ONLY,
                Long.parseLong(f[2], 36), Long.parseLong(f[3], 36), Long.parseLong(f[4], 36),
                Long.parseLong(f[5], 36) * bucketMillis);
    }

    static String kind(BindingKind kind) {
        return kind.engineBacked() ? "e" : "r";
    }
}
