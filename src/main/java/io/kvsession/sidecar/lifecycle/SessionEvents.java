package io.kvsession.sidecar.lifecycle;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

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
    /** Events are only built while someone watches: most sidecars have no watcher, and this is on every call. */
    private final AtomicInteger watchers = new AtomicInteger();

    /** Whether anyone watches now; when nobody does, there is no event to build. */
    public boolean watched() {
        return watchers.get() > 0;
    }

    public void publish(SessionEvent event) {
        processor.onNext(event);
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
