package io.kvsession.sidecar.control;

import java.util.Optional;

/**
 * One worker as an operator sees it, at one moment.
 *
 * @param healthy last observed health; empty before the worker was probed or called
 */
public record WorkerView(Instance instance, Optional<Boolean> healthy, Circuit circuit, Capability capability) {

    /** Why the worker cannot take requests now — {@code unhealthy} or {@code circuit open} — or empty when it can. */
    public Optional<String> unavailable() {
        if (circuit == Circuit.OPEN) {
            return Optional.of("circuit open");
        }
        return healthy.filter(up -> !up).map(down -> "unhealthy");
    }
}
