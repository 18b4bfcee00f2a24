package io.kvsession.sidecar.lifecycle;

import java.util.Optional;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;

/** A worker is full (SPEC §9.5): 429, naming the healthy worker with the most room when one has room. */
public final class AdmissionException extends SidecarException {

    private final String suggestedInstanceId;

    AdmissionException(String message, String suggestedInstanceId) {
        super(Failure.INSTANCE_FULL, message);
        this.suggestedInstanceId = suggestedInstanceId;
    }

    public Optional<String> suggestedInstanceId() {
        return Optional.ofNullable(suggestedInstanceId);
    }
}
