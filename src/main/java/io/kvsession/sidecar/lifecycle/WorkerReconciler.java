package io.kvsession.sidecar.lifecycle;

import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.Worker;
import io.kvsession.sidecar.control.WorkerProtocol.OpenOutcome;
import io.kvsession.sidecar.control.WorkerProtocol.OpenSpec;
import io.kvsession.sidecar.control.WorkerReturned;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Action;
import io.kvsession.sidecar.lifecycle.LifecycleEvent.Outcome;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A worker that comes back — restarted, or answering again after failing — may have lost the KV sessions bound to
 * it while the sidecar still calls them engine-backed. Each is opened again (an open is idempotent: "already open"
 * means it survived), as a flight of its session so that a close waits for it; each outcome is counted
 * ({@code reconcile} ok / reopened / …) and logged. A session the worker will not take back (it refuses, fails or is
 * refused by its breaker) is no longer engine-backed there: its binding ends ({@code unbind lost}), with a close in
 * case the failed open did land, so that routes stop counting on a KV session the worker does not have.
 */
@ApplicationScoped
public class WorkerReconciler {

    private static final Logger LOG = Logger.getLogger(WorkerReconciler.class);
    /** Re-opens in flight at once per returning worker: enough to be quick, few enough not to flood it. */
    private static final int CONCURRENCY = 8;

    private final AffinityStore store;
    private final OpenFlights flights;
    private final LifecycleRecorder recorder;
    private final SessionEndings endings;
    private final SidecarConfig.Session defaults;

    public WorkerReconciler(AffinityStore store, OpenFlights flights, LifecycleRecorder recorder,
            SessionEndings endings, SidecarConfig config) {
        this.store = store;
        this.flights = flights;
        this.recorder = recorder;
        this.endings = endings;
        this.defaults = config.session();
    }

    void returned(@Observes WorkerReturned event) {
        Worker worker = event.worker();
        if (!worker.capability().offersSessions()) {
            return;
        }
        store.bindingsOf(worker.id())
                .onItem().transformToMulti(bindings -> Multi.createFrom().iterable(bindings))
                .select().where(binding -> binding.kind().engineBacked())
                .onItem().transformToUni(binding -> reopen(worker, binding)).merge(CONCURRENCY)
                .collect().with(Collectors.counting())
                .subscribe().with(count -> {
                    if (count > 0) {
                        LOG.infof("action=reconcile outcome=done worker_id=%s sessions=%d why=\"%s\"",
                                worker.id(), count, event.why());
                    }
                });
    }

    /**
     * Opens the session again, as its flight, if it is still that binding: one that was closed, rebound or expired
     * since the list was read must not be opened on its old worker.
     */
    private Uni<Binding> reopen(Worker worker, Binding binding) {
        long started = System.nanoTime();
        OpenSpec spec = new OpenSpec(binding.sessionId(),
                binding.timeout().plus(defaults.workerTimeoutBuffer()).toSeconds(), defaults.capacityOfStrLen());
        return flights.run(binding.sessionId(), worker.id(), () -> store.peek(binding.sessionId())
                .flatMap(current -> current.filter(now -> now.revision() == binding.revision()).isEmpty()
                        ? Uni.createFrom().item(binding)
                        : worker.open(spec).map(outcome -> {
                            recorder.record(LifecycleEvent.of(Action.RECONCILE, outcome == OpenOutcome.OPENED
                                    ? Outcome.REOPENED : Outcome.OK, binding, null, started,
                                    outcome == OpenOutcome.OPENED ? "the worker had lost the session; opened again"
                                            : "still held"));
                            return binding;
                        })))
                .onFailure().invoke(failure -> recorder.record(LifecycleEvent.of(Action.RECONCILE,
                        Outcome.of(failure), binding, null, started, failure.getMessage())))
                .onFailure().call(failure -> endings.unbindIf(binding, Ending.lost()))
                .onFailure().recoverWithItem(binding);
    }
}
