package io.kvsession.sidecar.rest;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import grpc.health.v1.HealthGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Keeps the {@code uri} tag of every HTTP server meter to a fixed set: the /v1 templates ({@link ApiPaths}), the
 * paths of the gRPC methods served on the same port, and Quarkus' own fixed values. Anything else — the raw path of
 * a request refused before routing (401, 413, 415, a bad path) or of an unknown gRPC method — becomes
 * {@code UNKNOWN}. Without it every such request made a series of its own, and once Micrometer's limit of URI
 * values was reached the series of the API itself were no longer recorded.
 */
@Singleton
public class UriTags {

    private static final String UNKNOWN = "UNKNOWN";
    private static final String HTTP_SERVER = "http.server";
    private static final Set<String> FIXED = Set.of(UNKNOWN, "NOT_FOUND", "REDIRECTION", "root");

    @Produces
    @Singleton
    MeterFilter boundedUris() {
        Set<String> known = new HashSet<>(ApiPaths.TEMPLATES);
        known.addAll(FIXED);
        Stream.of(SessionLifecycleGrpc.getServiceDescriptor(), HealthGrpc.getServiceDescriptor(),
                io.grpc.reflection.v1.ServerReflectionGrpc.getServiceDescriptor(),
                grpc.reflection.v1alpha.ServerReflectionGrpc.getServiceDescriptor())
                .map(ServiceDescriptor::getMethods).flatMap(Collection::stream)
                .map(MethodDescriptor::getFullMethodName).forEach(method -> known.add("/" + method));
        Set<String> allowed = Set.copyOf(known);
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String uri = id.getTag("uri");
                if (uri == null || allowed.contains(uri) || !id.getName().startsWith(HTTP_SERVER)) {
                    return id;
                }
                return id.withTag(Tag.of("uri", UNKNOWN));
            }
        };
    }
}
