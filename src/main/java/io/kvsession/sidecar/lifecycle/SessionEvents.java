package io.kvsession.sidecar.lifecycle;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.affinity.Binding;
import io.kvsession.sidecar.affinity.BindingKind;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.operators.multi.processors.SerializedProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;

/**
 * Fans session events out to watchers. Publishing never waits for a watcher: each watcher has its own bounded buffer,
 * and a watcher that falls {@value #WATCHER_BUFFER} events behind is ended with a {@link BackPressureFailure}.
 */
@ApplicationScoped
public class SessionEvents {

    static final int WATCHER_BUFFER = 1024;

    private final BroadcastProcessor<SessionEvent> broadcast = BroadcastProcessor.create();
    /** Lifecycle calls publish from several event-loop threads at once. */
    private final SerializedProcessor<SessionEvent, SessionEvent> processor = broadcast.serialized();
    private final Clock clock;
    /** Events are only built while someone watches: most sidecars have no watcher, and this is on every call. */
    private final AtomicInteger watchers = new AtomicInteger();

    public SessionEvents(Clock clock) {
        this.clock = clock;
    }

    public void publish(SessionEvent.Type type, Binding binding, String contextId, String detail) {
        publish(type, binding.sessionId(), binding.instanceId(), binding.kind(), contextId, detail);
    }

    public void publish(SessionEvent.Type type, String sessionId, String instanceId, BindingKind kind,
            String contextId, String detail) {
        if (watchers.get() == 0) {
            return;
        }
        processor.onNext(new SessionEvent(type, sessionId, instanceId, kind, contextId, clock.instant(),
                detail == null ? "" : detail));
    }

    /** Events from now on, of one instance when {@code instanceId} is given. */
    public Multi<SessionEvent> watch(String instanceId) {
        return broadcast
                .onSubscription().invoke(watchers::incrementAndGet)
                .onTermination().invoke(watchers::decrementAndGet)
                .select().where(event -> instanceId == null || instanceId.equals(event.instanceId()))
                .onOverflow().buffer(WATCHER_BUFFER);
    }
}
