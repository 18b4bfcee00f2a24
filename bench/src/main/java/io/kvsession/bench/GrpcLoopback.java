package io.kvsession.bench;

import java.nio.charset.StandardCharsets;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;

/**
 * Unary calls to the sidecar's {@code kvsession.v1.SessionLifecycle} on 127.0.0.1, multiplexed on one HTTP/2
 * connection as a latency-minded router would hold it. The two requests the benchmark sends are a few strings and one
 * integer, so they are written as protobuf bytes here rather than generated from the service's {@code .proto}.
 */
final class GrpcLoopback {

    private static final String SERVICE = "kvsession.v1.SessionLifecycle/";

    private final GrpcClient client;

    GrpcLoopback(Vertx vertx) {
        this.client = GrpcClient.client(vertx, new HttpClientOptions().setHttp2ClearTextUpgrade(false)
                .setHttp2MaxPoolSize(1).setHttp2MultiplexingLimit(-1));
    }

    /** {@code OpenSession} of {@code sessionId} on {@code instanceId} with a TTL of {@code timeoutSecs}. */
    Future<Void> open(int port, String sessionId, String instanceId, long timeoutSecs) {
        Buffer message = Buffer.buffer();
        string(message, 1, sessionId);
        string(message, 2, instanceId);
        message.appendByte((byte) (3 << 3)).appendBytes(varint(timeoutSecs));
        return call(port, "OpenSession", message);
    }

    /** {@code CloseSession} of {@code sessionId}. */
    Future<Void> close(int port, String sessionId) {
        Buffer message = Buffer.buffer();
        string(message, 1, sessionId);
        return call(port, "CloseSession", message);
    }

    /** Anything but status OK fails the future. */
    private Future<Void> call(int port, String method, Buffer message) {
        return client.request(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                .compose(request -> request.fullMethodName(SERVICE + method).send(message))
                .compose(response -> response.last().compose(answer -> response.status() == GrpcStatus.OK
                        ? Future.<Void> succeededFuture()
                        : Future.failedFuture(method + ": " + response.status() + " " + response.statusMessage())));
    }

    /** A length-delimited field (wire type 2). */
    private static void string(Buffer message, int field, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        message.appendByte((byte) (field << 3 | 2)).appendBytes(varint(bytes.length)).appendBytes(bytes);
    }

    private static byte[] varint(long value) {
        Buffer out = Buffer.buffer();
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.appendByte((byte) (rest & 0x7F | 0x80));
            rest >>>= 7;
        }
        out.appendByte((byte) rest);
        return out.getBytes();
    }
}
