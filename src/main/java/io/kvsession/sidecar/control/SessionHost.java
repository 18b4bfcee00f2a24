package io.kvsession.sidecar.control;

import io.kvsession.sidecar.control.WorkerProtocol.CloseOutcome;
import io.smallrye.mutiny.Uni;

/** A worker as the close machinery needs it: its id, and the call that closes one of its sessions. */
public interface SessionHost {

    String instanceId();

    Uni<CloseOutcome> close(String sessionId);
}
