package io.kvsession.sidecar.grpc;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.lifecycle.AdmissionException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import io.smallrye.mutiny.subscription.BackPressureFailure;

/** Every failure of a gRPC call becomes the status SPEC §5 names, with the domain's message as description. */
@ApplicationScoped
public class GrpcFailures implements ExceptionHandlerProvider {

    private static final Logger LOG = Logger.getLogger(GrpcFailures.class);
    static final Metadata.Key<String> SUGGESTED_INSTANCE = Metadata.Key.of("suggested-instance-id",
            Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<ReqT, RespT> serverCall, Metadata trailers) {
                try {
                    serverCall.close(status(failure), suggested(failure, trailers));
                } catch (IllegalStateException alreadyClosed) {
                    LOG.debugf("gRPC call already closed when it failed with %s", failure);
                }
            }
        };
    }

    @Override
    public Throwable transform(Throwable failure) {
        return new StatusException(status(failure), suggested(failure, new Metadata()));
    }

    /** A full worker's refusal names the worker with the most room in the trailer {@code suggested-instance-id}. */
    static Metadata suggested(Throwable failure, Metadata trailers) {
        if (failure instanceof AdmissionException full) {
            full.suggestedInstanceId().ifPresent(id -> trailers.put(SUGGESTED_INSTANCE, id));
        }
        return trailers;
    }

    static Status status(Throwable failure) {
        if (failure instanceof SidecarException known) {
            return code(known.failure()).withDescription(known.getMessage());
        }
        if (failure instanceof BackPressureFailure) {
            return Status.RESOURCE_EXHAUSTED.withDescription("this watcher fell too far behind the session events; "
                    + "watch again");
        }
        if (failure instanceof StatusException || failure instanceof io.grpc.StatusRuntimeException) {
            return Status.fromThrowable(failure);
        }
        LOG.error("unexpected failure of a gRPC call", failure);
        return Status.INTERNAL.withDescription("the sidecar failed unexpectedly: " + failure);
    }

    private static Status code(Failure failure) {
        return switch (failure) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.FAILED_PRECONDITION;
            case TABLE_FULL, BACKLOG_FULL, INSTANCE_FULL, TOO_MANY_CHILDREN -> Status.RESOURCE_EXHAUSTED;
            case WORKER_REJECTED -> Status.ABORTED;
            case WORKER_UNAVAILABLE, SHUTTING_DOWN, STORE_UNAVAILABLE -> Status.UNAVAILABLE;
            case WORKER_TIMEOUT -> Status.DEADLINE_EXCEEDED;
        };
    }
}
