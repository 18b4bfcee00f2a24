package io.kvsession.sidecar.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The status a gRPC call failed with. */
public final class GrpcStatus {

    private GrpcStatus() {
    }

    /** The call fails with {@code code}; answers the failure for its description and trailers. */
    public static StatusRuntimeException assertCode(Status.Code code, Runnable call) {
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, failure.getStatus().getCode(), failure.getStatus().toString());
        return failure;
    }
}
