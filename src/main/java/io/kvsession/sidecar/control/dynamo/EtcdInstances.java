package io.kvsession.sidecar.control.dynamo;

import java.math.BigInteger;

import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.config.Protocol;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Dynamo's instance keys in etcd (ai-dynamo/dynamo {@code lib/runtime/src/discovery/kv_store.rs}, {@code component.rs},
 * {@code storage/kv/etcd.rs}): key {@code v1/instances/{namespace}/{component}/{endpoint}/{instance id, lowercase hex}},
 * on the worker's lease; value {@code {"type": "Endpoint", "namespace", "component", "endpoint", "instance_id": u64,
 * "transport": {"tcp": "host:port/<path>"}}}. Other transports ({@code nats_tcp}, {@code http}) cannot be called
 * here; newer releases add fields ({@code device_type}, {@code request_plane_codec}) that do not matter to us.
 */
final class EtcdInstances {

    private static final BigInteger TWO_TO_THE_64 = BigInteger.ONE.shiftLeft(64);

    private EtcdInstances() {
    }

    /** The key prefix of one endpoint's instances; the trailing slash keeps {@code endpoint_x} out. */
    static String prefix(String namespace, String component, String endpoint) {
        return "v1/instances/" + namespace + "/" + component + "/" + endpoint + "/";
    }

    /**
     * The instance a value describes: id the decimal u64 {@code instance_id}, url {@code tcp://} and the transport.
     *
     * @throws IllegalArgumentException naming why the value is of no use to us
     */
    static Instance parse(Buffer value) {
        JsonObject json;
        try {
            json = new JsonObject(value);
        } catch (DecodeException | ClassCastException notAnObject) {
            throw new IllegalArgumentException("the value is not a JSON object: " + Messages.excerpt(value));
        }
        Object type = json.getValue("type");
        if (type != null && !"Endpoint".equals(type)) {
            throw new IllegalArgumentException("not an endpoint instance but " + type);
        }
        String id = unsignedId(json.getValue("instance_id"));
        if (!(json.getValue("transport") instanceof JsonObject transport)) {
            throw new IllegalArgumentException("instance " + id + " has no transport");
        }
        if (transport.getValue("tcp") instanceof String tcp) {
            return Instance.of(id, "tcp://" + tcp, Protocol.DYNAMO);
        }
        if (transport.containsKey("nats_tcp")) {
            throw new IllegalArgumentException("instance " + id + " serves the NATS request plane (nats_tcp), which "
                    + "the sidecar does not speak; run the worker with DYN_REQUEST_PLANE=tcp");
        }
        throw new IllegalArgumentException("instance " + id + " has no tcp transport: " + transport.encode());
    }

    /** JSON parses a u64 as whatever integer type holds it; above {@code Long.MAX_VALUE} that is a BigInteger. */
    private static String unsignedId(Object value) {
        BigInteger id = value instanceof BigInteger big ? big
                : value instanceof Integer || value instanceof Long ? BigInteger.valueOf(((Number) value).longValue())
                        : null;
        if (id == null || id.signum() < 0 || id.compareTo(TWO_TO_THE_64) >= 0) {
            throw new IllegalArgumentException("instance_id is not an unsigned 64-bit integer: " + value);
        }
        return id.toString();
    }
}
