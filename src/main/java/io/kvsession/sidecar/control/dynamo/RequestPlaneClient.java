package io.kvsession.sidecar.control.dynamo;

import java.time.Duration;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.config.SidecarConfig;
import io.kvsession.sidecar.control.WorkerException;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Calls a Dynamo worker's endpoint over Dynamo's TCP request plane (shared/protocols/dynamo-request-plane.md §2):
 * the request goes out on a pooled, pipelined connection to the worker and is acknowledged there; the answers come
 * back on a connection the worker opens to our call-home listener. Failures are {@link WorkerException}s: refused
 * connection → unreachable; a refusing acknowledgement or prologue → rejected; a connection lost after the request
 * left, or a stream that breaks the protocol → lost answer; no answer in time → timed out.
 * <p>
 * All sockets, timers and per-call state live on one event loop of our own, taken at start from the main thread:
 * resources created on a request's event loop would die with the HTTP verticle at shutdown, and one loop needs no
 * locks. Callers get their outcome back on their own Vert.x context.
 */
@Startup
@ApplicationScoped
public class RequestPlaneClient {

    private static final Logger LOG = Logger.getLogger(RequestPlaneClient.class);

    private final Vertx vertx;
    private final Context context;
    private final long handshakeMillis;
    private final long maxAnswerBytes;
    private final RequestLinks links;
    private final CallHome callHome;
    private final Future<String> callHomeAddress;

    @Inject
    public RequestPlaneClient(io.vertx.mutiny.core.Vertx vertx, SidecarConfig config) {
        this(vertx.getDelegate(), AdvertisedHost.resolve(config.requestPlane().host()), config.requestPlane().port(),
                config.requestPlane().handshakeTimeout(), config.rpc().maxAnswerSize().asLongValue());
    }

    RequestPlaneClient(Vertx vertx, String host, int port, Duration handshakeTimeout, long maxAnswerBytes) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.handshakeMillis = handshakeTimeout.toMillis();
        this.maxAnswerBytes = maxAnswerBytes;
        this.links = new RequestLinks(vertx);
        this.callHome = new CallHome(vertx, handshakeMillis, maxAnswerBytes);
        Promise<String> listening = Promise.promise();
        context.runOnContext(ignored -> callHome.listen(host, port).onComplete(listening));
        this.callHomeAddress = listening.future()
                .onSuccess(address -> LOG.infof("action=request_plane outcome=listening call_home=%s", address))
                .onFailure(failure -> LOG.errorf("action=request_plane outcome=listen_failed host=%s port=%d: %s "
                        + "(set kvsession.request-plane.host to an address of this pod)", host, port, failure));
    }

    /**
     * Sends {@code request} to the endpoint at {@code transport} ({@code host:port/<path>}, with or without
     * {@code tcp://}) and yields the items of its answer in order — each an {@code Annotated} object — once the worker
     * sends its final frame; the whole call, connect included, is bounded by {@code deadline}.
     */
    public Uni<List<JsonObject>> call(String transport, JsonObject request, Duration deadline) {
        return Uni.createFrom().emitter(emitter -> {
            Transport target;
            try {
                target = Transport.parse(transport);
            } catch (IllegalArgumentException invalid) {
                emitter.fail(WorkerException.unreachable(invalid.getMessage()));
                return;
            }
            Buffer body = request.toBuffer();
            Context caller = Vertx.currentContext();
            Call call = new Call(vertx, target, handshakeMillis, maxAnswerBytes, callHome::forget);
            call.result().onComplete(outcome -> deliver(caller, emitter, outcome));
            context.runOnContext(ignored -> begin(call, target, body, deadline.toMillis()));
            emitter.onTermination(() -> context.runOnContext(ignored -> call.cancel()));
        });
    }

    /** The address workers are told to call back to, once the listener is bound. */
    Future<String> callHomeAddress() {
        return callHomeAddress;
    }

    private void begin(Call call, Transport target, Buffer body, long deadlineMillis) {
        if (call.done()) {
            return;
        }
        call.start(deadlineMillis);
        callHomeAddress.onComplete(bound -> {
            if (call.done()) {
                return;
            }
            if (bound.failed()) {
                call.fail(WorkerException.unreachable("no call-home listener to receive the answer of worker at "
                        + target + ": " + bound.cause().getMessage()));
                return;
            }
            Buffer frame;
            try {
                Buffer payload = Frames.twoPart(
                        Messages.requestControl(call.id(), bound.result(), call.subject()).toBuffer(), body);
                frame = Frames.request(target.path(), Messages.requestHeaders(target.path(), call.id()), payload);
            } catch (IllegalArgumentException tooLarge) {
                call.fail(WorkerException.rejected(tooLarge.getMessage(), 400));
                return;
            }
            callHome.expect(call);
            links.link(target).onComplete(link -> {
                if (call.done()) {
                    return;
                }
                if (link.failed()) {
                    call.fail(WorkerException.unreachable("worker at " + target + " is unreachable: "
                            + link.cause().getMessage()));
                    return;
                }
                call.sending();
                link.result().send(frame).onComplete(ack -> {
                    if (ack.succeeded()) {
                        call.acknowledged(ack.result());
                    } else {
                        call.acknowledgementLost(ack.cause());
                    }
                });
            });
        });
    }

    private static void deliver(Context caller, UniEmitter<? super List<JsonObject>> emitter,
            AsyncResult<List<JsonObject>> outcome) {
        Runnable emit = () -> {
            if (outcome.succeeded()) {
                emitter.complete(outcome.result());
            } else {
                emitter.fail(outcome.cause());
            }
        };
        if (caller == null) {
            emit.run();
        } else {
            caller.runOnContext(ignored -> emit.run());
        }
    }

    @PreDestroy
    void close() {
        context.runOnContext(ignored -> {
            links.close();
            callHome.close();
        });
    }
}
