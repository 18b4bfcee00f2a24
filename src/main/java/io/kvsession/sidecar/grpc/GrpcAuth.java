package io.kvsession.sidecar.grpc;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.kvsession.sidecar.config.AccessToken;
import io.quarkus.grpc.GlobalInterceptor;

/**
 * Requires the bearer token on the kvsession.v1 services when one is configured, as on /v1 over REST. Health
 * ({@code grpc.health.v1}) and reflection stay open, as {@code /q/health} and {@code /q/openapi} do.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcAuth implements ServerInterceptor {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final String GUARDED_PACKAGE = "kvsession.v1.";

    private final AccessToken token;

    public GrpcAuth(AccessToken token) {
        this.token = token;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        if (call.getMethodDescriptor().getFullMethodName().startsWith(GUARDED_PACKAGE)
                && !token.accepts(headers.get(AUTHORIZATION))) {
            call.close(Status.UNAUTHENTICATED.withDescription(
                    "this sidecar requires the metadata 'authorization: Bearer <token>' (kvsession.auth.token)"),
                    new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
