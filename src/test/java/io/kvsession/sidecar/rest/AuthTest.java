package io.kvsession.sidecar.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.kvsession.sidecar.grpc.v1.ListWorkersRequest;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc.SessionLifecycleBlockingStub;
import io.kvsession.sidecar.support.Management;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

@QuarkusTest
@TestProfile(Profiles.Authenticated.class)
class AuthTest {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    @GrpcClient("sidecar")
    SessionLifecycleBlockingStub sidecar;

    @GrpcClient("sidecar")
    HealthGrpc.HealthBlockingStub health;

    @Test
    void v1RequiresTheBearerToken() {
        given().get("/v1/workers").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .contentType("application/problem+json")
                .body("status", equalTo(401));
        given().header("Authorization", "Bearer wrong").get("/v1/workers").then().statusCode(401);
        given().header("Authorization", "Basic " + Profiles.Authenticated.TOKEN).get("/v1/workers").then()
                .statusCode(401);
        given().header("Authorization", "Bearer " + Profiles.Authenticated.TOKEN).get("/v1/workers").then()
                .statusCode(200);
    }

    @Test
    void aRefusedCallChangesNothing() {
        given().contentType(ContentType.JSON).body(Map.of("instance_id", "w1"))
                .post("/v1/sessions/auth-s1/open").then().statusCode(401);

        given().header("Authorization", "Bearer " + Profiles.Authenticated.TOKEN)
                .get("/v1/sessions/auth-s1").then().statusCode(404);
    }

    @Test
    void grpcRequiresTheTokenButHealthStaysOpen() {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> sidecar.listWorkers(ListWorkersRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
        Metadata wrong = new Metadata();
        wrong.put(AUTHORIZATION, "Bearer wrong");
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> sidecar.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(wrong))
                        .listWorkers(ListWorkersRequest.getDefaultInstance())).getStatus().getCode());

        Metadata right = new Metadata();
        right.put(AUTHORIZATION, "Bearer " + Profiles.Authenticated.TOKEN);
        sidecar.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(right))
                .listWorkers(ListWorkersRequest.getDefaultInstance());
        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    @Test
    void healthAndMetricsStayOpen() {
        Management.get("/q/health/ready").statusCode(200);
        Management.get("/q/health/live").statusCode(200);
        Management.get("/q/metrics").statusCode(200);
    }
}
