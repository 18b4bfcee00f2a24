package io.kvsession.sidecar.rest;

import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.kvsession.sidecar.Failure;
import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.lifecycle.AdmissionException;

/** Every error of the /v1 API becomes an RFC 9457 problem; resources never build error responses themselves. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public RestResponse<Problem> sidecar(SidecarException failure, UriInfo uri) {
        Failure reason = failure.failure();
        String suggested = failure instanceof AdmissionException full ? full.suggestedInstanceId().orElse(null)
                : null;
        RestResponse.ResponseBuilder<Problem> response = problem(HttpFailures.status(reason),
                HttpFailures.slug(reason), HttpFailures.title(reason), failure.getMessage(), uri, suggested);
        if (reason == Failure.TABLE_FULL || reason == Failure.BACKLOG_FULL || reason == Failure.WORKER_UNAVAILABLE
                || reason == Failure.STORE_UNAVAILABLE || reason == Failure.INSTANCE_FULL) {
            response.header("Retry-After", "1");
        } else if (reason == Failure.UNAUTHENTICATED) {
            response.header("WWW-Authenticate", "Bearer");
        }
        return response.build();
    }

    /** Declared for the subtype too, which Quarkus otherwise maps itself with an empty body. */
    @ServerExceptionMapper({ MismatchedInputException.class, JsonProcessingException.class })
    public RestResponse<Problem> malformedJson(JsonProcessingException failure, UriInfo uri) {
        String detail;
        if (failure instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            detail = field + " has the wrong type: " + mapping.getOriginalMessage();
        } else if (failure instanceof JsonMappingException mapping) {
            detail = "the body must be a JSON object: " + mapping.getOriginalMessage();
        } else {
            detail = "the body is not valid JSON: " + failure.getOriginalMessage();
        }
        return problem(400, HttpFailures.slug(Failure.INVALID_ARGUMENT), HttpFailures.title(Failure.INVALID_ARGUMENT),
                detail, uri, null).build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> web(WebApplicationException failure, UriInfo uri) {
        if (failure.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        Response.StatusType status = failure.getResponse().getStatusInfo();
        String detail = failure.getMessage() == null ? status.getReasonPhrase() : failure.getMessage();
        return problem(status.getStatusCode(), "http-" + status.getStatusCode(), status.getReasonPhrase(), detail,
                uri, null).build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(RuntimeException failure, UriInfo uri) {
        LOG.errorf(failure, "unexpected failure of %s", uri.getPath());
        return problem(500, "internal", "Internal error", "the sidecar failed unexpectedly; its log has the cause",
                uri, null).build();
    }

    private static RestResponse.ResponseBuilder<Problem> problem(int status, String slug, String title, String detail,
            UriInfo uri, String suggestedInstanceId) {
        Problem body = new Problem("urn:kvsession:problem:" + slug, title, status, detail, uri.getPath(),
                suggestedInstanceId);
        return RestResponse.ResponseBuilder.<Problem> create(status).entity(body).type(Problem.MEDIA_TYPE);
    }
}
