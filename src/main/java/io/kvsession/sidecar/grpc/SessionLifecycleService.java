package io.kvsession.sidecar.grpc;

import static io.kvsession.sidecar.grpc.GrpcMapping.absentIfEmpty;

import java.util.concurrent.Flow;
import java.util.function.Supplier;

import io.grpc.Metadata;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kvsession.sidecar.grpc.v1.BindSessionRequest;
import io.kvsession.sidecar.grpc.v1.CloseSessionRequest;
import io.kvsession.sidecar.grpc.v1.CloseSessionResponse;
import io.kvsession.sidecar.grpc.v1.FinishRequestRequest;
import io.kvsession.sidecar.grpc.v1.FinishRequestResponse;
import io.kvsession.sidecar.grpc.v1.GetSessionRequest;
import io.kvsession.sidecar.grpc.v1.ListSessionsRequest;
import io.kvsession.sidecar.grpc.v1.ListSessionsResponse;
import io.kvsession.sidecar.grpc.v1.ListWorkersRequest;
import io.kvsession.sidecar.grpc.v1.ListWorkersResponse;
import io.kvsession.sidecar.grpc.v1.OpenSessionRequest;
import io.kvsession.sidecar.grpc.v1.RouteRequest;
import io.kvsession.sidecar.grpc.v1.RouteResponse;
import io.kvsession.sidecar.grpc.v1.Session;
import io.kvsession.sidecar.grpc.v1.SessionEvent;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc;
import io.kvsession.sidecar.grpc.v1.WatchSessionsRequest;
import io.kvsession.sidecar.lifecycle.Commands;
import io.kvsession.sidecar.lifecycle.Inputs;
import io.kvsession.sidecar.lifecycle.RequestRouter;
import io.kvsession.sidecar.lifecycle.SessionBinder;
import io.kvsession.sidecar.lifecycle.SessionCloser;
import io.kvsession.sidecar.lifecycle.SessionDirectory;
import io.kvsession.sidecar.lifecycle.SessionEvents;
import io.kvsession.sidecar.lifecycle.SessionOpener;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * The lifecycle over gRPC: maps protobuf to the same lifecycle beans as REST, and back. Written on the grpc-java
 * base rather than the Mutiny interface because the event stream needs the call's flow control.
 */
@GrpcService
public class SessionLifecycleService extends SessionLifecycleGrpc.SessionLifecycleImplBase {

    private final SessionOpener opener;
    private final SessionBinder binder;
    private final SessionCloser closer;
    private final RequestRouter router;
    private final SessionDirectory directory;
    private final SessionEvents events;

    public SessionLifecycleService(SessionOpener opener, SessionBinder binder, SessionCloser closer,
            RequestRouter router, SessionDirectory directory, SessionEvents events) {
        this.opener = opener;
        this.binder = binder;
        this.closer = closer;
        this.router = router;
        this.directory = directory;
        this.events = events;
    }

    /** Request messages are read by {@link StrictRequests}: a malformed or oversized one gets a status saying so. */
    @Override
    public ServerServiceDefinition bindService() {
        return StrictRequests.wrap(super.bindService(), Inputs.MAX_BODY_BYTES);
    }

    @Override
    public void openSession(OpenSessionRequest request, StreamObserver<Session> observer) {
        reply(() -> opener.open(new Commands.Open(request.getSessionId(), request.getInstanceId(),
                request.hasTimeoutSecs() ? request.getTimeoutSecs() : null, absentIfEmpty(request.getContextId()),
                request.hasCapacityOfStrLen() ? request.getCapacityOfStrLen() : null,
                absentIfEmpty(request.getParentSessionId())))
                .map(GrpcMapping::session), observer);
    }

    @Override
    public void bindSession(BindSessionRequest request, StreamObserver<Session> observer) {
        reply(() -> binder.bind(new Commands.Bind(request.getSessionId(), request.getInstanceId(),
                request.hasTimeoutSecs() ? request.getTimeoutSecs() : null,
                absentIfEmpty(request.getParentSessionId())))
                .map(GrpcMapping::session), observer);
    }

    @Override
    public void getSession(GetSessionRequest request, StreamObserver<Session> observer) {
        reply(() -> directory.get(request.getSessionId(), request.getTouch()).map(view -> GrpcMapping.session(view)),
                observer);
    }

    @Override
    public void closeSession(CloseSessionRequest request, StreamObserver<CloseSessionResponse> observer) {
        reply(() -> closer.close(new Commands.Close(request.getSessionId(), absentIfEmpty(request.getInstanceId()),
                absentIfEmpty(request.getContextId()), absentIfEmpty(request.getAfterContextId())))
                .map(GrpcMapping::closed), observer);
    }

    @Override
    public void listSessions(ListSessionsRequest request, StreamObserver<ListSessionsResponse> observer) {
        reply(() -> directory.list(absentIfEmpty(request.getInstanceId()),
                request.hasLimit() ? request.getLimit() : null, absentIfEmpty(request.getPageToken()))
                .map(page -> ListSessionsResponse.newBuilder()
                        .addAllSessions(page.sessions().stream().map(GrpcMapping::session).toList())
                        .setNextPageToken(page.nextPageToken() == null ? "" : page.nextPageToken())
                        .build()), observer);
    }

    @Override
    public void route(RouteRequest request, StreamObserver<RouteResponse> observer) {
        Commands.SessionDirective control = request.hasSessionControl()
                ? new Commands.SessionDirective(request.getSessionControl().getSessionId(),
                        GrpcMapping.action(request.getSessionControl().getAction()),
                        request.getSessionControl().hasTimeout() ? request.getSessionControl().getTimeout() : null,
                        absentIfEmpty(request.getSessionControl().getParentSessionId()))
                : null;
        reply(() -> router.route(new Commands.Route(absentIfEmpty(request.getContextId()),
                absentIfEmpty(request.getInstanceId()), control,
                request.getHeadersCount() == 0 ? null : request.getHeadersMap(),
                absentIfEmpty(request.getAffinityMode()), absentIfEmpty(request.getParentSessionId())))
                .map(GrpcMapping::routed), observer);
    }

    @Override
    public void finishRequest(FinishRequestRequest request, StreamObserver<FinishRequestResponse> observer) {
        reply(() -> closer.finish(request.getContextId())
                .map(finished -> FinishRequestResponse.newBuilder()
                        .setContextId(finished.contextId())
                        .addAllClosedSessions(finished.closedSessions())
                        .build()), observer);
    }

    @Override
    public void listWorkers(ListWorkersRequest request, StreamObserver<ListWorkersResponse> observer) {
        reply(() -> directory.workers().map(GrpcMapping::workers), observer);
    }

    /**
     * Sends events only while the client keeps up (the call is ready): a watcher that stops reading leaves events in
     * its bounded buffer in {@link SessionEvents}, and is ended with RESOURCE_EXHAUSTED when that overflows, instead
     * of queueing without bound in the transport.
     */
    @Override
    public void watchSessions(WatchSessionsRequest request, StreamObserver<SessionEvent> observer) {
        ServerCallStreamObserver<SessionEvent> call = (ServerCallStreamObserver<SessionEvent>) observer;
        events.watch(absentIfEmpty(request.getInstanceId())).subscribe().withSubscriber(new MultiSubscriber<>() {
            private volatile Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription upstream) {
                subscription = upstream;
                call.setOnCancelHandler(upstream::cancel);
                call.setOnReadyHandler(() -> upstream.request(1));
                if (call.isReady()) {
                    upstream.request(1);
                }
            }

            @Override
            public void onItem(io.kvsession.sidecar.lifecycle.SessionEvent event) {
                call.onNext(GrpcMapping.event(event));
                if (call.isReady()) {
                    subscription.request(1);
                }
            }

            @Override
            public void onFailure(Throwable failure) {
                call.onError(GrpcFailures.status(failure).asRuntimeException());
            }

            @Override
            public void onCompletion() {
                call.onCompleted();
            }
        });
    }

    /** Answers a unary call from the lifecycle's Uni; failures become the statuses of {@link GrpcFailures}. */
    private static <T> void reply(Supplier<Uni<? extends T>> call, StreamObserver<T> observer) {
        Uni.createFrom().<T> deferred(call).subscribe().with(value -> {
            observer.onNext(value);
            observer.onCompleted();
        }, failure -> observer.onError(GrpcFailures.status(failure).asRuntimeException(
                GrpcFailures.suggested(failure, new Metadata()))));
    }
}
