package io.kvsession.sidecar.lifecycle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.kvsession.sidecar.control.SessionHost;
import io.kvsession.sidecar.control.WorkerException;
import io.kvsession.sidecar.control.WorkerProtocol.CloseOutcome;
import io.smallrye.mutiny.Uni;

/**
 * A worker for the close machinery: answers each close as scripted (closed by default), and remembers which sessions
 * it was asked to close, and when.
 */
final class ScriptedHost implements SessionHost {

    /** One close received: the session and the manual clock's time. */
    record Received(String sessionId, long atNanos) {
    }

    private final String instanceId;
    private final ManualTimers timers;
    private final Deque<CompletableFuture<CloseOutcome>> script = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();

    ScriptedHost(String instanceId, ManualTimers timers) {
        this.instanceId = instanceId;
        this.timers = timers;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public synchronized Uni<CloseOutcome> close(String sessionId) {
        received.add(new Received(sessionId, timers.nanoTime()));
        CompletableFuture<CloseOutcome> answer = script.poll();
        return answer == null ? Uni.createFrom().item(CloseOutcome.CLOSED) : Uni.createFrom().completionStage(answer);
    }

    /** The next {@code count} closes fail as an unreachable worker would. */
    synchronized ScriptedHost failNext(int count) {
        for (int i = 0; i < count; i++) {
            script.add(CompletableFuture.failedFuture(WorkerException.unreachable("worker " + instanceId + " is down")));
        }
        return this;
    }

    /** The next close stays on the wire until the returned future is completed. */
    synchronized CompletableFuture<CloseOutcome> holdNext() {
        CompletableFuture<CloseOutcome> answer = new CompletableFuture<>();
        script.add(answer);
        return answer;
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized List<Received> received(String sessionId) {
        return received.stream().filter(close -> close.sessionId().equals(sessionId)).toList();
    }
}
