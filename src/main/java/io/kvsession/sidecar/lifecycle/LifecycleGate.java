package io.kvsession.sidecar.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;

/** Closed on shutdown: from then on new lifecycle calls are refused with 503 while pending closes drain. */
@ApplicationScoped
public class LifecycleGate {

    private volatile boolean closed;

    public void check() {
        if (closed) {
            throw new SidecarException(Failure.SHUTTING_DOWN,
                    "the sidecar is shutting down and takes no new lifecycle calls; retry on another replica");
        }
    }

    public void close() {
        closed = true;
    }

    public boolean isOpen() {
        return !closed;
    }
}
