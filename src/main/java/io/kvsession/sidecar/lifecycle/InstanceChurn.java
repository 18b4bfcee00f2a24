package io.kvsession.sidecar.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.kvsession.sidecar.affinity.AffinityStore;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.control.InstancesChanged;
import io.kvsession.sidecar.control.Worker;
import io.smallrye.mutiny.Multi;

/**
 * When a worker leaves discovery its bindings end ({@code unbind} / {@code instance_gone}) — a routed request then
 * goes to the router's pick. A worker that merely dropped out of DNS (not ready) may still hold the KV sessions, so
 * they are closed on it, best effort, as any close.
 */
@ApplicationScoped
public class InstanceChurn {

    private final AffinityStore store;
    private final SessionEndings ends;

    public InstanceChurn(AffinityStore store, SessionEndings ends) {
        this.store = store;
        this.ends = ends;
    }

    void instancesChanged(@Observes InstancesChanged change) {
        for (Worker gone : change.removed()) {
            store.bindingsOf(gone.id())
                    .onItem().transformToMulti(bindings -> Multi.createFrom().iterable(bindings))
                    .onItem().transformToUniAndConcatenate(binding -> store.unbind(binding)
                            .invoke(removed -> endIf(removed, binding, gone)))
                    .collect().last()
                    .subscribe().with(ignored -> {
                    });
        }
    }

    private void endIf(boolean removed, Binding binding, Worker gone) {
        if (removed) {
            ends.ended(binding, gone);
        }
    }
}
