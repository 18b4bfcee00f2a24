package io.kvsession.sidecar.grpc;

import static io.kvsession.sidecar.support.Api.newSession;
import static io.kvsession.sidecar.support.GrpcStatus.assertCode;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.kvsession.sidecar.grpc.v1.BindSessionRequest;
import io.kvsession.sidecar.grpc.v1.OpenSessionRequest;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc.SessionLifecycleBlockingStub;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Issue #11 over gRPC: a request that is not a readable message, or is too large, gets a status that says so, and
 * every id is accepted or refused exactly as over REST.
 */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class GrpcHardeningTest extends FakeWorkersTest {

    private static final String OPEN = SessionLifecycleGrpc.getOpenSessionMethod().getFullMethodName();

    @GrpcClient("sidecar")
    Channel channel;

    @GrpcClient("sidecar")
    SessionLifecycleBlockingStub sidecar;

    @Test
    void aMalformedMessageIsInvalidArgumentWithADescription() {
        StatusRuntimeException garbage = assertCode(Status.Code.INVALID_ARGUMENT,
                () -> call(OPEN, new byte[] { (byte) 0xff, (byte) 0xff, 0x01 }));
        assertTrue(garbage.getStatus().getDescription().startsWith("the request of " + OPEN
                + " is not a valid protobuf message"), garbage.getStatus().toString());

        byte[] badUtf8 = { 0x0a, 0x02, (byte) 0xff, (byte) 0xfe, 0x12, 0x02, 'w', '1' };
        assertCode(Status.Code.INVALID_ARGUMENT, () -> call(OPEN, badUtf8));
        byte[] surrogate = { 0x0a, 0x03, (byte) 0xed, (byte) 0xa0, (byte) 0x80, 0x12, 0x02, 'w', '1' };
        assertCode(Status.Code.INVALID_ARGUMENT, () -> call(OPEN, surrogate));
        workers.assertNoRpcsFor("\ufffd\ufffd", "\ufffd\ufffd\ufffd");
    }

    @Test
    void aCallWithoutItsRequestIsInvalidArgument() throws Exception {
        ClientCall<byte[], byte[]> call = channel.newCall(bytes(OPEN), CallOptions.DEFAULT);
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(1);
        call.halfClose();

        Status status = closed.get(5, TimeUnit.SECONDS);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
        assertEquals("the call carried no request message", status.getDescription());
    }

    @Test
    void messagesOverTheRestBodyCapAreResourceExhaustedWithADescription() {
        byte[] large = OpenSessionRequest.newBuilder().setSessionId("s").setInstanceId("w1")
                .setContextId("x".repeat(70_000)).build().toByteArray();
        StatusRuntimeException refused = assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> call(OPEN, large));
        assertEquals("the request message of " + OPEN + " is " + large.length + " bytes, more than the 65536 bytes "
                + "accepted", refused.getStatus().getDescription());
        StatusRuntimeException compressed = assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> ClientCalls
                .blockingUnaryCall(channel, bytes(OPEN), CallOptions.DEFAULT.withCompression("gzip"), large));
        assertEquals("the request message of " + OPEN + " is more than the 65536 bytes accepted",
                compressed.getStatus().getDescription());

        workers.assertNoRpcsFor("s");
        String session = newSession("cap");
        byte[] atTheCap = OpenSessionRequest.newBuilder().setSessionId(session).setInstanceId("w1")
                .setContextId("x".repeat(200)).build().toByteArray();
        call(OPEN, atTheCap);
        assertEquals(1, workers.get("w1").opens(session).size());
    }

    @Test
    void everyIdIsAcceptedOrRefusedAsOverRest() {
        List<String> refused = List.of("a;b", "a\u202eb", "a\u2066b", "zero\u200bwidth", "\ufeffbom",
                "line\u2028sep", "   ", "\u3000", "..", ".", "bad\u0001id");
        List<String> accepted = List.of("caf\u00e9", "\ud83d\ude80-rocket", "a:b@c", newSession("plain"));
        for (String id : refused) {
            String overGrpc = bindOverGrpc(id);
            assertTrue(overGrpc.startsWith("session_id must"), id + ": " + overGrpc);
            assertEquals(overGrpc, bindOverRest(id), "id '" + id + "' over REST");
        }
        for (String id : accepted) {
            assertEquals(id, bindOverGrpc(id));
            assertEquals(id, bindOverRest(id));
        }
    }

    /** The bound session's id, or the refusal's description. */
    private String bindOverGrpc(String id) {
        try {
            return sidecar.bindSession(BindSessionRequest.newBuilder().setSessionId(id).setInstanceId("w1").build())
                    .getSessionId();
        } catch (StatusRuntimeException refused) {
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), id);
            return refused.getStatus().getDescription();
        }
    }

    /** The bound session's id, or the problem's detail. */
    private static String bindOverRest(String id) {
        Response rest = given().contentType(ContentType.JSON).body("{\"instance_id\":\"w1\"}")
                .post("/v1/sessions/{id}/bind", id);
        return rest.jsonPath().getString(rest.statusCode() == 200 ? "session_id" : "detail");
    }

    private byte[] call(String method, byte[] request) {
        return ClientCalls.blockingUnaryCall(channel, bytes(method), CallOptions.DEFAULT, request);
    }

    private static MethodDescriptor<byte[], byte[]> bytes(String fullMethodName) {
        MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (IOException unreadable) {
                    throw new IllegalStateException(unreadable);
                }
            }
        };
        return MethodDescriptor.<byte[], byte[]> newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethodName).setRequestMarshaller(raw).setResponseMarshaller(raw).build();
    }
}
