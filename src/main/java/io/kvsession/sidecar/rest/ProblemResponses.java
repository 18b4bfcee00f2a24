package io.kvsession.sidecar.rest;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

import io.kvsession.sidecar.Failure;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The error responses of the API document, generated from {@link Failure}: each resource method lists the failures
 * it can answer in the {@value #FAILURES} extension; this filter turns them into responses that refer to one
 * RFC 9457 problem response per status (e.g. {@code #/components/responses/Conflict}), adds 401 to every operation
 * (a token may be configured), and drops the extension.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {

    /** Comma-separated {@link Failure} names an operation can answer. */
    static final String FAILURES = "x-kvsession-failures";

    private static final String PROBLEM_SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Map<Integer, Set<Failure>> byStatus = new TreeMap<>();
        for (Failure failure : Failure.values()) {
            byStatus.computeIfAbsent(HttpFailures.status(failure), status -> EnumSet.noneOf(Failure.class))
                    .add(failure);
        }
        Components components = openAPI.getComponents() == null ? OASFactory.createComponents()
                : openAPI.getComponents();
        components.addSchema(PROBLEM_SCHEMA, problemSchema());
        byStatus.forEach((status, failures) -> components.addResponse(name(status), OASFactory.createAPIResponse()
                .description(failures.stream().map(HttpFailures::description).collect(Collectors.joining("; ")))
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("#/components/schemas/" + PROBLEM_SCHEMA))))));
        openAPI.setComponents(components);
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().values()
                .forEach(operation -> addFailures(operation)));
    }

    private static void addFailures(Operation operation) {
        Set<Failure> failures = EnumSet.of(Failure.UNAUTHENTICATED);
        Object listed = operation.getExtension(FAILURES);
        if (listed != null) {
            Arrays.stream(listed.toString().split(",")).map(String::strip).map(Failure::valueOf)
                    .forEach(failures::add);
            operation.removeExtension(FAILURES);
        }
        failures.stream().map(HttpFailures::status).distinct().forEach(status -> operation.getResponses()
                .addAPIResponse(Integer.toString(status), OASFactory.createAPIResponse()
                        .ref("#/components/responses/" + name(status))));
    }

    /** The component name of a status's problem response: its reason phrase, e.g. {@code GatewayTimeout}. */
    private static String name(int status) {
        return Response.Status.fromStatusCode(status).getReasonPhrase().replace(" ", "");
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description("RFC 9457 problem detail")
                .addProperty("type", text("URI naming the kind of problem, e.g. urn:kvsession:problem:worker-timeout"))
                .addProperty("title", text("Short summary of the kind of problem"))
                .addProperty("status", OASFactory.createSchema().addType(SchemaType.INTEGER)
                        .description("The HTTP status"))
                .addProperty("detail", text("What went wrong, naming the field, session or worker"))
                .addProperty("instance", text("The request path"))
                .addProperty("suggested_instance_id", text("Only when a worker is full (429): the healthy worker with "
                        + "the most room"));
    }

    private static Schema text(String description) {
        return OASFactory.createSchema().addType(SchemaType.STRING).description(description);
    }
}
