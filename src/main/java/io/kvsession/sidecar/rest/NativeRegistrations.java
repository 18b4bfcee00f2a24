package io.kvsession.sidecar.rest;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the native executable must keep for reflection beyond what Quarkus finds itself: the naming strategy that
 * {@code quarkus.jackson.property-naming-strategy=SNAKE_CASE} instantiates by name at run time, and the problem body,
 * which the exception mappers and {@link EdgeGuard} write through the application's own {@code ObjectMapper}
 * ({@link StrictJson}), where Quarkus does not see it as a response type (without it every error was a bare 500).
 */
@RegisterForReflection(targets = { PropertyNamingStrategies.SnakeCaseStrategy.class, Problem.class })
final class NativeRegistrations {

    private NativeRegistrations() {
    }
}
