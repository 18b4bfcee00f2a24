package io.kvsession.sidecar.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * Where the closes a replica owes are written down, so that they outlive it (SPEC §8.5): a store shared by replicas
 * keeps each pending or held close with its owner, hands the closes of a replica that died to another, and lets a
 * request's finish on any replica release the closes held for it. The memory store's ledger writes nothing: its
 * closes live and die with the process.
 */
public interface CloseLedger {

    /**
     * One close as written down.
     *
     * @param contextId the request that caused it; for a held close, the request it waits for
     * @param reason why it closes, as the log says it
     */
    record Entry(String sessionId, String instanceId, long ttlMillis, String contextId, String reason,
            boolean rollback) {
    }

    /**
     * This replica is sending the close now, owed since {@code sinceMillis} (wall clock); a re-open after that has
     * called it off, and its mark stays.
     */
    Uni<Void> pending(Entry entry, long sinceMillis);

    /** The close waits for request {@code contextId}, or for {@code deadlineMillis} (wall clock). */
    Uni<Void> held(String contextId, Entry entry, long deadlineMillis);

    /** This replica's close landed, or was given up: it is owed no more. */
    Uni<Void> settled(String sessionId, String instanceId);

    /**
     * The session is opened on the worker again, at {@code nowMillis}: every close of it there ends; tells whether one
     * was owed. A mark stays, so that a replica still holding such a close in memory finds it {@link #calledOff}.
     */
    Uni<Boolean> cancel(String sessionId, String instanceId, long nowMillis);

    /** Whether a re-open after {@code sinceMillis} (wall clock), on any replica, called the close off. */
    Uni<Boolean> calledOff(String sessionId, String instanceId, long sinceMillis);

    /** The request finished: the closes any replica held for it, now this replica's to send. */
    Uni<List<Entry>> release(String contextId);

    /** The closes of replicas that died, and held closes past their deadline: now this replica's to send. */
    Uni<List<Entry>> takeOver(long nowMillis);

    /** Says this replica is alive; {@code false} says it stops, so that others take its closes over at once. */
    Uni<Void> heartbeat(boolean alive);

    /** How often to say so and to take over closes; empty when nothing is shared. */
    Optional<Duration> beat();

    /** The ledger of a store of one process: closes are not written anywhere. */
    CloseLedger NONE = new CloseLedger() {
        @Override
        public Uni<Void> pending(Entry entry, long sinceMillis) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> held(String contextId, Entry entry, long deadlineMillis) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> settled(String sessionId, String instanceId) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Boolean> cancel(String sessionId, String instanceId, long nowMillis) {
            return Uni.createFrom().item(false);
        }

        @Override
        public Uni<Boolean> calledOff(String sessionId, String instanceId, long sinceMillis) {
            return Uni.createFrom().item(false);
        }

        @Override
        public Uni<List<Entry>> release(String contextId) {
            return Uni.createFrom().item(List.of());
        }

        @Override
        public Uni<List<Entry>> takeOver(long nowMillis) {
            return Uni.createFrom().item(List.of());
        }

        @Override
        public Uni<Void> heartbeat(boolean alive) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Optional<Duration> beat() {
            return Optional.empty();
        }
    };
}
