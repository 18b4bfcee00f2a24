package io.kvsession.sidecar.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.Metrics;
import io.kvsession.sidecar.support.Profiles;
import io.kvsession.sidecar.support.RawHttp;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Issue #11, finding 4: requests refused before routing (no token, too large, wrong charset) and unknown gRPC
 * methods used to tag HTTP metrics with their raw path, so that a few thousand of them filled Micrometer's 100 URI
 * values and the API's own series were no longer recorded.
 */
@QuarkusTest
@TestProfile(Profiles.Authenticated.class)
class MetricsCardinalityTest {

    private static final int CONNECTIONS = 4;
    private static final int PER_CONNECTION = 746;
    private static final String FINISH = "/v1/requests/{context_id}/finish";
    /** Refused before routing: by the edge (413, 415) or, without a token, by the auth filter. */
    private static final org.hamcrest.Matcher<Integer> REFUSED = anyOf(is(401), is(413), is(415));
    private static final Pattern URI_TAG = Pattern.compile("^http_server_[a-z_]+\\{[^}]*uri=\"([^\"]*)\"",
            Pattern.MULTILINE);

    @GrpcClient("sidecar")
    Channel channel;

    @Test
    void refusedRequestsLeaveNoRawPathsAndTheApiIsStillRecorded() {
        List<CompletableFuture<List<Integer>>> connections = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < PER_CONNECTION; i++) {
                requests.add("POST /v1/sessions/leak-" + c + "-" + i + "/open HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            }
            connections.add(CompletableFuture.supplyAsync(() -> pipeline(requests)));
        }
        connections.forEach(statuses -> assertEquals(Set.of(401), Set.copyOf(statuses.join())));
        for (int i = 0; i < 5; i++) {
            given().contentType("application/json; charset=latin1").body("{}".getBytes())
                    .post("/v1/sessions/leak-charset-" + i + "/open").then().statusCode(REFUSED);
            given().contentType(ContentType.JSON).body(new byte[70_000]).post("/v1/sessions/leak-big-" + i + "/open")
                    .then().statusCode(REFUSED);
            int service = i;
            StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> ClientCalls
                    .blockingUnaryCall(channel, bytes("leak.Service" + service + "/Call"), CallOptions.DEFAULT,
                            new byte[0]));
            assertEquals(Status.Code.UNIMPLEMENTED, unknown.getStatus().getCode());
        }

        double before = finishes();
        given().header("Authorization", "Bearer " + Profiles.Authenticated.TOKEN)
                .post("/v1/requests/{id}/finish", "after-the-flood").then().statusCode(200);

        Eventually.await(Duration.ofSeconds(2), () -> "a series for " + FINISH, () -> finishes() == before + 1);
        Set<String> uris = new TreeSet<>();
        Matcher matcher = URI_TAG.matcher(Metrics.scrape());
        while (matcher.find()) {
            uris.add(matcher.group(1));
        }
        uris.removeIf(uri -> ApiPaths.TEMPLATES.contains(uri) || uri.startsWith("/kvsession.v1.")
                || uri.startsWith("/grpc.") || Set.of("UNKNOWN", "NOT_FOUND", "REDIRECTION", "root").contains(uri));
        assertEquals(Set.of(), uris, "uri values that are neither templates nor fixed");
    }

    private static double finishes() {
        return Metrics.value("http_server_requests_seconds_count", "uri=\"" + FINISH + "\"");
    }

    private static List<Integer> pipeline(List<String> requests) {
        try {
            return RawHttp.pipeline(requests, 40);
        } catch (IOException failed) {
            throw new AssertionError(failed);
        }
    }

    private static MethodDescriptor<byte[], byte[]> bytes(String fullMethodName) {
        MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                return new byte[0];
            }
        };
        return MethodDescriptor.<byte[], byte[]> newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethodName).setRequestMarshaller(raw).setResponseMarshaller(raw).build();
    }
}
