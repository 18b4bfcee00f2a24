package io.kvsession.sidecar.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.kvsession.sidecar.affinity.AffinityTable;
import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.control.InstancesChanged;
import io.kvsession.sidecar.lifecycle.LifecycleJournal.Severity;

/**
 * When an instance leaves discovery its bindings are dropped — a routed request then goes to the router's pick —
 * and each is told to watchers and counted ({@code unbind} / {@code instance_gone}). A worker that merely dropped out
 * of DNS (not ready) may still hold the KV sessions, so they are closed on it, best effort, as any close.
 */
@ApplicationScoped
public class InstanceChurn {

    private static final String REASON = "instance_gone";

    private final AffinityTable table;
    private final CloseScheduler closes;
    private final SessionEvents events;
    private final LifecycleJournal journal;

    public InstanceChurn(AffinityTable table, CloseScheduler closes, SessionEvents events, LifecycleJournal journal) {
        this.table = table;
        this.closes = closes;
        this.events = events;
        this.journal = journal;
    }

    void instancesChanged(@Observes InstancesChanged change) {
        for (Instance gone : change.removed()) {
            for (Binding binding : table.bindingsOf(gone.id())) {
                if (!table.unbind(binding.sessionId(), binding.revision())) {
                    continue;
                }
                String why = "instance " + gone.id() + " left discovery";
                journal.record("unbind", REASON, Severity.FAILED, binding.sessionId(), gone.id(), null, 0, why);
                events.publish(SessionEvent.Type.CLOSED, binding, null, why);
                if (binding.kind().engineBacked()) {
                    closes.schedule(binding.sessionId(), gone, binding.timeout(), null, REASON);
                }
            }
        }
    }
}
