package io.kvsession.sidecar.grpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.jboss.logging.Logger;

import io.grpc.Attributes;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;

/**
 * Reads a service's request messages itself, so that a message that is malformed or too large is answered with a
 * status that says so. The Vert.x transport of Quarkus drops a message its parser refuses and then fails the call
 * with INTERNAL "Half-closed without a request"; here a malformed message is INVALID_ARGUMENT and one over
 * {@code maxBytes} (the REST body cap) RESOURCE_EXHAUSTED, both with a description, and the service never sees
 * either.
 */
final class StrictRequests {

    private static final Logger LOG = Logger.getLogger(StrictRequests.class);

    private StrictRequests() {
    }

    /** The request of one call as read off the wire: the message, or why there is none. */
    record Read<Q>(Q message, Status refusal) {
    }

    static ServerServiceDefinition wrap(ServerServiceDefinition service, int maxBytes) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = service.getMethods().stream()
                .<ServerMethodDefinition<?, ?>> map(method -> strict(method, maxBytes)).toList();
        methods.forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
        ServerServiceDefinition.Builder strict = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(strict::addMethod);
        return strict.build();
    }

    private static <Q, R> ServerMethodDefinition<Read<Q>, R> strict(ServerMethodDefinition<Q, R> method,
            int maxBytes) {
        MethodDescriptor<Q, R> proto = method.getMethodDescriptor();
        MethodDescriptor<Read<Q>, R> reading = proto.toBuilder(new Reader<>(proto, maxBytes),
                proto.getResponseMarshaller()).build();
        return ServerMethodDefinition.create(reading, (call, headers) -> {
            ServerCall.Listener<Q> service = method.getServerCallHandler().startCall(new Unwrapped<>(call, proto),
                    headers);
            return new Refusing<>(call, service, proto.getType().clientSendsOneMessage());
        });
    }

    /** Parses with the method's own marshaller; what it cannot read becomes a refusal instead of an exception. */
    private record Reader<Q, R>(MethodDescriptor<Q, R> proto, int maxBytes)
            implements MethodDescriptor.Marshaller<Read<Q>> {

        @Override
        public InputStream stream(Read<Q> value) {
            return proto.streamRequest(value.message());
        }

        /**
         * A stream of known length (the transport's, for an uncompressed message) is measured without copying; any
         * other, e.g. a decompressing one, is read up to the cap first, so that no size of message gets past it.
         */
        @Override
        public Read<Q> parse(InputStream stream) {
            try {
                InputStream message = stream;
                int size = stream.available();
                if (!(stream instanceof KnownLength)) {
                    byte[] bytes = stream.readNBytes(maxBytes + 1);
                    size = bytes.length;
                    message = new ByteArrayInputStream(bytes);
                }
                if (size > maxBytes) {
                    return new Read<>(null, Status.RESOURCE_EXHAUSTED.withDescription("the request message of "
                            + proto.getFullMethodName() + " is " + (stream instanceof KnownLength ? size + " bytes, "
                                    : "") + "more than the " + maxBytes + " bytes accepted"));
                }
                return new Read<>(proto.parseRequest(message), null);
            } catch (IOException | RuntimeException malformed) {
                Throwable cause = malformed.getCause() != null ? malformed.getCause() : malformed;
                return new Read<>(null, Status.INVALID_ARGUMENT.withDescription("the request of "
                        + proto.getFullMethodName() + " is not a valid protobuf message: " + cause.getMessage()));
            }
        }
    }

    /** Hands read messages to the service and ends the call on a refused one, before the service sees it. */
    private static final class Refusing<Q, R> extends ServerCall.Listener<Read<Q>> {

        private final ServerCall<Read<Q>, R> call;
        private final ServerCall.Listener<Q> service;
        private final boolean oneMessage;
        private boolean received;
        private boolean refused;

        Refusing(ServerCall<Read<Q>, R> call, ServerCall.Listener<Q> service, boolean oneMessage) {
            this.call = call;
            this.service = service;
            this.oneMessage = oneMessage;
        }

        @Override
        public void onMessage(Read<Q> read) {
            received = true;
            if (refused) {
                return;
            }
            if (read.refusal() != null) {
                refuse(read.refusal());
                return;
            }
            service.onMessage(read.message());
        }

        /**
         * A call that needs one message and got none had it dropped by the transport (larger than its own bound,
         * which has then answered RESOURCE_EXHAUSTED already) or sent none at all.
         */
        @Override
        public void onHalfClose() {
            if (!received && oneMessage) {
                refuse(Status.INVALID_ARGUMENT.withDescription("the call carried no request message"));
            }
            if (!refused) {
                service.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            service.onCancel();
        }

        @Override
        public void onComplete() {
            service.onComplete();
        }

        @Override
        public void onReady() {
            service.onReady();
        }

        private void refuse(Status refusal) {
            refused = true;
            try {
                call.close(refusal, new Metadata());
            } catch (IllegalStateException alreadyAnswered) {
                LOG.debugf("gRPC call already answered when its request was refused: %s", refusal);
            }
        }
    }

    /** The call as the service sees it: with its own message type, as if nothing stood in between. */
    private static final class Unwrapped<Q, R> extends ServerCall<Q, R> {

        private final ServerCall<Read<Q>, R> call;
        private final MethodDescriptor<Q, R> proto;

        Unwrapped(ServerCall<Read<Q>, R> call, MethodDescriptor<Q, R> proto) {
            this.call = call;
            this.proto = proto;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            call.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            call.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return proto;
        }
    }
}
