package io.kvsession.sidecar.grpc;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;

/**
 * {@code grpc.health.v1} mirrors readiness: SERVING while the sidecar takes calls, NOT_SERVING from the moment it
 * starts to shut down, before pending closes drain.
 */
@ApplicationScoped
public class GrpcReadiness {

    private static final String SERVICE = "kvsession.v1.SessionLifecycle";

    void notServing(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) ShutdownEvent stop,
            GrpcHealthStorage health) {
        health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, ServingStatus.NOT_SERVING);
        health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
    }
}
