package io.kvsession.sidecar.store;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;

/**
 * Every call to Redis: bounded by {@code kvsession.affinity.redis.timeout}, timed per operation and outcome
 * ({@code kvsession_store_seconds}), and classified. A connection that fails or does not answer makes the store
 * {@code down} and the call a 503 naming the store; an answer ends {@code down}. Error replies that say the server
 * cannot serve now (loading, read-only replica, busy) count as down too; any other error reply is a fault of ours.
 */
final class RedisCalls {

    private static final Logger LOG = Logger.getLogger(RedisCalls.class);
    /** Answers that say Redis cannot serve now, not that it refuses the command; the client's own for a lost link. */
    private static final List<String> UNAVAILABLE_REPLIES = List.of("LOADING", "READONLY", "MASTERDOWN", "BUSY",
            "CLUSTERDOWN", "TRYAGAIN", "CONNECTION_CLOSED");

    private final Redis redis;
    private final Duration timeout;
    private final String where;
    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private volatile boolean down;

    RedisCalls(Redis redis, Duration timeout, String where, MeterRegistry meters) {
        this.redis = redis;
        this.timeout = timeout;
        this.where = where;
        this.meters = meters;
    }

    /** Whether the last call found the store unreachable. */
    boolean down() {
        return down;
    }

    Uni<Response> send(String operation, Request request) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return redis.send(request)
                    .ifNoItem().after(timeout).failWith(() -> new StoreDown("did not answer within "
                            + timeout.toMillis() + " ms (kvsession.affinity.redis.timeout)"))
                    .onItemOrFailure().transformToUni((response, failure) -> settle(operation, started, response,
                            failure));
        });
    }

    /** Runs a script by its digest, loading it by EVAL once if the server does not know it. */
    Uni<Response> eval(RedisScript script, List<String> keys, List<String> args) {
        return send(script.name(), evalRequest(Command.EVALSHA, script.sha(), keys, args))
                .onFailure(failure -> failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> send(script.name(), evalRequest(Command.EVAL, script.text(), keys, args)));
    }

    private Uni<Response> settle(String operation, long started, Response response, Throwable failure) {
        String outcome = failure == null ? "ok" : unavailable(failure) ? "unavailable" : "error";
        timer(operation, outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        if (failure == null) {
            if (down) {
                down = false;
                LOG.infof("action=store outcome=up store=redis at=%s", where);
            }
            return Uni.createFrom().item(response);
        }
        if (failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")) {
            return Uni.createFrom().failure(failure);
        }
        if (!unavailable(failure)) {
            return Uni.createFrom().failure(new IllegalStateException("the affinity store (redis at " + where
                    + ") refused " + operation + ": " + failure.getMessage(), failure));
        }
        if (!down) {
            down = true;
            LOG.warnf("action=store outcome=down store=redis at=%s: %s; open, bind and close answer 503 and routes "
                    + "use the router's pick until it answers again", where, failure.getMessage());
        }
        return Uni.createFrom().failure(new SidecarException(Failure.STORE_UNAVAILABLE, "the affinity store (redis "
                + "at " + where + ") is unreachable: " + failure.getMessage() + "; nothing was changed"));
    }

    static boolean unavailable(Throwable failure) {
        if (failure instanceof StoreDown) {
            return true;
        }
        if (failure instanceof ErrorType reply) {
            String message = reply.getMessage() == null ? "" : reply.getMessage().toUpperCase(Locale.ROOT);
            return UNAVAILABLE_REPLIES.stream().anyMatch(message::startsWith);
        }
        return true;
    }

    private static Request evalRequest(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    private Timer timer(String operation, String outcome) {
        return timers.computeIfAbsent(operation + '/' + outcome, key -> Timer.builder("kvsession.store")
                .description("Latency of affinity store operations by operation and outcome")
                .tag("operation", operation)
                .tag("outcome", outcome)
                .register(meters));
    }

    /** The store did not answer in time. */
    private static final class StoreDown extends RuntimeException {
        StoreDown(String message) {
            super(message, null, false, false);
        }
    }
}
