package io.kvsession.sidecar.rest;

import java.time.Duration;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.lifecycle.AdmissionException;
import io.vertx.ext.web.RoutingContext;

/**
 * Every error of the /v1 API that reaches JAX-RS becomes an RFC 9457 problem; resources never build error responses
 * themselves. What is refused before routing is answered in the same shape by {@link EdgeGuard}.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public RestResponse<Problem> sidecar(SidecarException failure, UriInfo uri) {
        Failure reason = failure.failure();
        Problem body = Problem.of(reason, failure.getMessage(), uri.getPath());
        if (failure instanceof AdmissionException full && full.suggestedInstanceId().isPresent()) {
            body = body.suggesting(full.suggestedInstanceId().get());
        }
        RestResponse.ResponseBuilder<Problem> response = problem(body);
        if (failure.retryAfter().isPresent()) {
            response.header("Retry-After", wholeSeconds(failure.retryAfter().get()));
        } else if (reason == Failure.TABLE_FULL || reason == Failure.BACKLOG_FULL || reason == Failure.INSTANCE_FULL
                || reason == Failure.WORKER_UNAVAILABLE || reason == Failure.STORE_UNAVAILABLE) {
            response.header("Retry-After", "1");
        } else if (reason == Failure.UNAUTHENTICATED) {
            response.header("WWW-Authenticate", "Bearer");
        }
        return response.build();
    }

    /** Declared for the subtype too, which Quarkus otherwise maps itself with an empty body. */
    @ServerExceptionMapper({ MismatchedInputException.class, JsonProcessingException.class })
    public RestResponse<Problem> malformedJson(JsonProcessingException failure, UriInfo uri) {
        return problem(Problem.of(Failure.INVALID_ARGUMENT, JsonErrors.detail(failure), uri.getPath())).build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> tooLarge(BodyCap.TooLarge failure, UriInfo uri, RoutingContext routing) {
        EdgeGuard.closeAfterAnswer(routing);
        return problem(Problem.ofStatus(413, failure.getMessage(), uri.getPath())).build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> web(WebApplicationException failure, UriInfo uri) {
        if (failure.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        Response.StatusType status = failure.getResponse().getStatusInfo();
        String detail = failure.getMessage() == null ? status.getReasonPhrase() : failure.getMessage();
        return problem(Problem.ofStatus(status.getStatusCode(), detail, uri.getPath())).build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(RuntimeException failure, UriInfo uri) {
        LOG.errorf(failure, "unexpected failure of %s", uri.getPath());
        return problem(new Problem("urn:kvsession:problem:internal", "Internal error", 500,
                "the sidecar failed unexpectedly; its log has the cause", uri.getPath(), null)).build();
    }

    /** Retry-After is whole seconds (RFC 9110); a delay is rounded up, so that the retry does not come too early. */
    static String wholeSeconds(Duration delay) {
        long millis = Math.max(delay.toMillis(), 1);
        return Long.toString((millis + 999) / 1000);
    }

    private static RestResponse.ResponseBuilder<Problem> problem(Problem body) {
        return RestResponse.ResponseBuilder.<Problem> create(body.status()).entity(body).type(Problem.MEDIA_TYPE);
    }
}
