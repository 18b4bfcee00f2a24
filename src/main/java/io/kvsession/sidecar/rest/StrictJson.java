package io.kvsession.sidecar.rest;

import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The mapper that reads /v1 request bodies: JSON as RFC 8259 writes it, and nothing else. A value of the wrong type
 * is refused rather than converted ({@code "600"} or {@code 600.7} for a whole number, {@code 1} or {@code true}
 * for a string), a key given twice is refused rather than the last one winning, and nothing may follow the object.
 * A copy of the application's mapper, so that only request bodies are strict: worker answers, parsed through Vert.x
 * {@code JsonObject} with the application's mapper, are read as before.
 */
@Provider
public class StrictJson implements ContextResolver<ObjectMapper> {

    private static final CoercionInputShape[] NOT_TEXT = { CoercionInputShape.Integer, CoercionInputShape.Float,
            CoercionInputShape.Boolean };
    private static final CoercionInputShape[] NOT_NUMBERS = { CoercionInputShape.String,
            CoercionInputShape.EmptyString, CoercionInputShape.Boolean, CoercionInputShape.Float };
    private static final CoercionInputShape[] NOT_BOOLEANS = { CoercionInputShape.String,
            CoercionInputShape.EmptyString, CoercionInputShape.Integer, CoercionInputShape.Float };

    private final ObjectMapper strict;

    public StrictJson(ObjectMapper application) {
        ObjectMapper mapper = application.copy();
        mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (CoercionInputShape shape : NOT_TEXT) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        for (CoercionInputShape shape : NOT_NUMBERS) {
            mapper.coercionConfigFor(LogicalType.Integer).setCoercion(shape, CoercionAction.Fail);
        }
        for (CoercionInputShape shape : NOT_BOOLEANS) {
            mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(shape, CoercionAction.Fail);
        }
        this.strict = mapper;
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return strict;
    }
}
