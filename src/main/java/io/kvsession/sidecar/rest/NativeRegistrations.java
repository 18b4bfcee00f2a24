package io.kvsession.sidecar.rest;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the native executable must keep for reflection beyond what Quarkus finds itself: the naming strategy that
 * {@code quarkus.jackson.property-naming-strategy=SNAKE_CASE} instantiates by name at run time.
 */
@RegisterForReflection(targets = PropertyNamingStrategies.SnakeCaseStrategy.class)
final class NativeRegistrations {

    private NativeRegistrations() {
    }
}
