package io.kvsession.sidecar.rest;

import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.lifecycle.Inputs;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What every REST request must satisfy before it is routed, answered as problem+json: the checks Vert.x and JAX-RS
 * would otherwise make with an empty body (413) or not at all (a {@code ;} or {@code %FF} in an id, a charset JSON
 * does not use). The URI and header bounds sit below the transport's own
 * ({@code quarkus.http.limits.max-initial-line-length}, {@code .max-header-size}), which answer with an empty body,
 * so that any request a router can plausibly send is told what was wrong. A URI {@code java.net.URI} cannot parse
 * (a malformed %-escape) never gets here: Quarkus answers it 400, empty, before any route. gRPC calls on the same
 * port are left to the gRPC server's own limits.
 */
@ApplicationScoped
public class EdgeGuard {

    /** Longest request URI, path and query, in characters. */
    static final int MAX_URI_CHARS = 4096;
    /** Most bytes of request headers, names and values. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final ObjectMapper json;

    public EdgeGuard(ObjectMapper json) {
        this.json = json;
    }

    /** Runs before Quarkus' own body-size check, which would answer 413 with an empty body. */
    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && contentType.regionMatches(true, 0, "application/grpc", 0, 16)) {
            context.next();
            return;
        }
        Problem problem = problem(request, contentType);
        if (problem == null) {
            context.next();
        } else {
            respond(context, problem);
        }
    }

    private void respond(RoutingContext context, Problem problem) {
        HttpServerResponse response = context.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (problem.status() == 413) {
            closeAfterAnswer(context);
        }
        try {
            response.end(json.writeValueAsString(problem));
        } catch (JsonProcessingException impossible) {
            context.fail(impossible);
        }
    }

    /**
     * Closes an HTTP/1 connection once the answer is out: the rest of the request body is never read, so the
     * connection cannot carry another request (Vert.x does not close on a "Connection: close" it did not decide).
     */
    static void closeAfterAnswer(RoutingContext context) {
        if (context.request().version() != HttpVersion.HTTP_2) {
            context.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            context.addEndHandler(ended -> context.request().connection().close());
        }
    }

    private static Problem problem(HttpServerRequest request, String contentType) {
        if (request.uri().length() > MAX_URI_CHARS) {
            return Problem.ofStatus(414, "the request URI is longer than " + MAX_URI_CHARS + " characters", null);
        }
        String path = request.path();
        int headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            return Problem.ofStatus(431, "the request headers take more than " + MAX_HEADER_BYTES + " bytes", path);
        }
        if (declaredLength(request) > Inputs.MAX_BODY_BYTES) {
            return Problem.ofStatus(413, "the request body is larger than " + Inputs.MAX_BODY_BYTES + " bytes",
                    path);
        }
        String charset = charset(contentType);
        if (charset != null && json(contentType) && !charset.equals("utf-8") && !charset.equals("utf8")) {
            return Problem.ofStatus(415, "the body must be JSON in UTF-8 (RFC 8259): charset '" + charset
                    + "' is not accepted", path);
        }
        String refused = RequestPaths.problem(path);
        return refused == null ? null : Problem.of(Failure.INVALID_ARGUMENT, refused, path);
    }

    /** The Content-Length, or -1 when absent; a malformed one is the HTTP decoder's to refuse. */
    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException malformed) {
            return -1;
        }
    }

    /** Whether a Content-Type is JSON, {@code application/json} or {@code application/...+json}. */
    private static boolean json(String contentType) {
        int end = contentType.indexOf(';');
        String type = (end < 0 ? contentType : contentType.substring(0, end)).strip();
        return type.equalsIgnoreCase("application/json")
                || type.regionMatches(true, 0, "application/", 0, 12) && type.regionMatches(true,
                        type.length() - 5, "+json", 0, 5);
    }

    /** The charset parameter of a Content-Type, lower case and unquoted, or null. */
    private static String charset(String contentType) {
        if (contentType == null || contentType.indexOf(';') < 0) {
            return null;
        }
        String lower = contentType.toLowerCase(Locale.ROOT);
        int at = lower.indexOf("charset=");
        if (at < 0) {
            return null;
        }
        int end = lower.indexOf(';', at);
        String value = lower.substring(at + "charset=".length(), end < 0 ? lower.length() : end).strip();
        return value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
