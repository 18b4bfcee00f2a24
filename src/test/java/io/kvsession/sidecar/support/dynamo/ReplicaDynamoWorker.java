package io.kvsession.sidecar.support.dynamo;

import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A test replica of a Dynamo SGLang worker's {@code session_control} endpoint on Dynamo's TCP request plane, written
 * from the upstream sources (ai-dynamo/dynamo, the 1.2-1.3 line: the call-home response stream, before the response
 * multiplexing of later versions), never from the sidecar's client. Where each behaviour comes from:
 * <ul>
 * <li>discovery key {@code v1/instances/{ns}/{component}/{endpoint}/{instance_id:x}} and its value, the
 * {@code DiscoveryInstance::Endpoint} JSON ({@code "type":"Endpoint"}, {@code component}, {@code endpoint},
 * {@code namespace}, {@code instance_id}, {@code transport.tcp}): {@code lib/runtime/src/discovery/mod.rs},
 * {@code discovery/kv_store.rs}, {@code component.rs}; transport {@code host:port/{instance_id:x}/{endpoint}}:
 * the endpoint's transport builder ({@code component/endpoint.rs}) and {@code SharedTcpServer}'s routing key
 * ({@code ingress/shared_tcp_endpoint.rs}); lease and keep-alive: {@link EtcdLease};</li>
 * <li>request framing, ACK texts and their order: {@link RequestFrame}, {@link RequestPlaneServer}
 * ({@code pipeline/network/codec.rs}, {@code codec/zero_copy_decoder.rs}, {@code ingress/shared_tcp_endpoint.rs});
 * </li>
 * <li>payload and control message: {@link TwoPartFrame} ({@code codec/two_part.rs}), {@link ControlMessage}
 * ({@code pipeline/network.rs}, {@code tcp.rs}), decoding order and silent drops: {@link SessionControlEndpoint}
 * ({@code ingress/push_handler.rs});</li>
 * <li>response stream: {@link CallHomeStream} ({@code ingress/push_handler.rs}, {@code tcp/client.rs},
 * {@code tcp/server.rs} for what the caller expects);</li>
 * <li>answers: {@link SessionControl} ({@code components/src/dynamo/sglang/request_handlers/handler_base.py},
 * {@code lib/bindings/python/rust/engine.rs}, {@code protocols/annotated.rs}).</li>
 * </ul>
 * Requests the real worker would drop after its ACK (bad two-part payload, control message or body; a msgpack
 * body; a call-home address it cannot use or whose context differs from the request id) are recorded and get no
 * response stream, as upstream logs and drops them.
 */
public final class ReplicaDynamoWorker implements AutoCloseable {

    public static final String ENDPOINT = "session_control";
    public static final Duration LEASE_TTL = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String namespace;
    private final String component;
    private final EtcdLease etcd;
    private final SessionControl handler = new SessionControl();
    private final List<DynamoRpc> received = new CopyOnWriteArrayList<>();
    private final AtomicReference<Script> script = new AtomicReference<>(Script.NORMAL);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "replica-dynamo-worker");
        thread.setDaemon(true);
        return thread;
    });
    private final RequestPlaneServer server;
    private final int port;
    private volatile long instanceId;

    private ReplicaDynamoWorker(String namespace, String component, EtcdLease etcd) {
        this.namespace = namespace;
        this.component = component;
        this.etcd = etcd;
        this.server = new RequestPlaneServer(
                new SessionControlEndpoint(this::path, script, handler, received, open, threads), threads, open);
        try {
            this.instanceId = etcd == null ? ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE) : etcd.grant();
            this.port = server.start();
            register();
        } catch (RuntimeException failed) {
            close();
            throw failed;
        }
    }

    /** Serves and registers in etcd ({@code http://host:port}) on a lease of {@link #LEASE_TTL}. */
    public static ReplicaDynamoWorker registered(String etcdEndpoint, String namespace, String component) {
        return registered(etcdEndpoint, namespace, component, LEASE_TTL);
    }

    /** Serves and registers on a lease of the given TTL (etcd raises TTLs below its minimum, about 2 s). */
    public static ReplicaDynamoWorker registered(String etcdEndpoint, String namespace, String component,
            Duration leaseTtl) {
        return new ReplicaDynamoWorker(namespace, component, new EtcdLease(etcdEndpoint, leaseTtl));
    }

    /** Serves without etcd (for a static {@code tcp://} instance), under a random instance id. */
    public static ReplicaDynamoWorker unregistered(String namespace, String component) {
        return new ReplicaDynamoWorker(namespace, component, null);
    }

    /** The instance id as routers name it: the lease id, an unsigned decimal. */
    public String instanceId() {
        return Long.toUnsignedString(instanceId);
    }

    /** The endpoint path requests must carry: {@code {instance_id:x}/session_control}. */
    public String path() {
        return Long.toHexString(instanceId) + "/" + ENDPOINT;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port/path}, the discovery value's {@code transport.tcp}. */
    public String transport() {
        return "127.0.0.1:" + port + "/" + path();
    }

    public String url() {
        return "tcp://" + transport();
    }

    /** The etcd key this worker registers (whether or not it is registered now). */
    public String key() {
        return "v1/instances/" + namespace + "/" + component + "/" + ENDPOINT + "/" + Long.toHexString(instanceId);
    }

    /** The discovery value, as upstream serializes {@code DiscoveryInstance::Endpoint}. */
    public String instanceJson() {
        ObjectNode value = JSON.createObjectNode().put("type", "Endpoint").put("component", component)
                .put("endpoint", ENDPOINT).put("namespace", namespace).put("instance_id", instanceId);
        value.putObject("transport").put("tcp", transport());
        return value.toString();
    }

    /** Every request received, refused ones included, in arrival order (recorded just after the ACK). */
    public List<DynamoRpc> rpcs() {
        return List.copyOf(received);
    }

    /** How many opens of this session the worker accepted (ACK 0), whatever it answered. */
    public long opens(String sessionId) {
        return received.stream().filter(rpc -> rpc.accepted() && rpc.isOpen() && sessionId.equals(rpc.sessionId()))
                .count();
    }

    /** The request bodies of the opens of this session the worker accepted, in order. */
    public List<JsonNode> openRequests(String sessionId) {
        return received.stream().filter(rpc -> rpc.accepted() && rpc.isOpen() && sessionId.equals(rpc.sessionId()))
                .map(DynamoRpc::request).toList();
    }

    /** How many closes of this session the worker accepted (ACK 0), whatever it answered. */
    public long closes(String sessionId) {
        return received.stream().filter(rpc -> rpc.accepted() && rpc.isClose() && sessionId.equals(rpc.sessionId()))
                .count();
    }

    /** The sessions the worker holds now. */
    public Set<String> sessions() {
        return handler.sessions();
    }

    /** Holds a session as if it had been opened earlier. */
    public ReplicaDynamoWorker hold(String sessionId) {
        handler.hold(sessionId);
        return this;
    }

    /** Forgets received requests and held sessions and answers normally again (the lease is left as it is). */
    public ReplicaDynamoWorker reset() {
        received.clear();
        handler.forget();
        script.set(Script.NORMAL);
        return this;
    }

    /** Opens answer {@code {"status":"error","message":message}}; null accepts them again. */
    public ReplicaDynamoWorker rejectOpens(String message) {
        return change(s -> s.withRejectOpens(message));
    }

    /** Every open answers ok with "Session already exists". */
    public ReplicaDynamoWorker sessionAlreadyExists(boolean always) {
        return change(s -> s.withAlreadyExists(always));
    }

    /** The handler raises: an Annotated error item (event "error", a DynamoError) instead of a result. */
    public ReplicaDynamoWorker errorItem(String message) {
        return change(s -> s.withErrorItem(message, false));
    }

    /** As {@link #errorItem(String)} in the older shape: event "error" with the message in {@code comment}. */
    public ReplicaDynamoWorker legacyErrorItem(String message) {
        return change(s -> s.withErrorItem(message, true));
    }

    /** {@code generate()} fails: the prologue carries this error, then the sentinel follows. */
    public ReplicaDynamoWorker prologueError(String error) {
        return change(s -> s.withPrologueError(error));
    }

    public ReplicaDynamoWorker callHome(CallHome mode) {
        return change(s -> s.withCallHome(mode));
    }

    /** The handler takes this long after the prologue before it yields. */
    public ReplicaDynamoWorker answerDelay(Duration delay) {
        return change(s -> s.withDelay(delay));
    }

    /** Acknowledges every request with this text (e.g. "Unknown endpoint: ..."); null acknowledges with 0 again. */
    public ReplicaDynamoWorker ackError(String text) {
        return change(s -> s.withAckError(text));
    }

    /** Stops the keep-alives: etcd drops the key once the TTL runs out. */
    public ReplicaDynamoWorker stopKeepAlives() {
        requireEtcd().stopKeepAlives();
        return this;
    }

    /** Revokes the lease: the key disappears at once. The listener keeps serving. */
    public ReplicaDynamoWorker loseLease() {
        requireEtcd().revoke();
        return this;
    }

    /** Takes a new lease and registers under it: a new instance id, key and path, as a restarted worker has. */
    public ReplicaDynamoWorker reRegister() {
        if (etcd == null) {
            instanceId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            return this;
        }
        try {
            etcd.revoke();
        } catch (IllegalStateException alreadyGone) {
            // The old lease expired or was revoked before: nothing to take down.
        }
        instanceId = etcd.grant();
        register();
        return this;
    }

    /** Closes the listener and all connections; calls are refused until {@link #start()}. */
    public ReplicaDynamoWorker stop() {
        server.stop();
        return this;
    }

    /** Listens again on the same port. */
    public ReplicaDynamoWorker start() {
        server.start();
        return this;
    }

    @Override
    public void close() {
        server.stop();
        if (etcd != null) {
            etcd.close();
        }
        threads.shutdownNow();
    }

    private void register() {
        if (etcd != null) {
            etcd.put(key(), instanceJson());
        }
    }

    private EtcdLease requireEtcd() {
        if (etcd == null) {
            throw new IllegalStateException("this replica is not registered in etcd");
        }
        return etcd;
    }

    private ReplicaDynamoWorker change(UnaryOperator<Script> update) {
        script.updateAndGet(update);
        return this;
    }
}
