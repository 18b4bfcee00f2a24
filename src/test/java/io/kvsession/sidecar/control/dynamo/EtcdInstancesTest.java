package io.kvsession.sidecar.control.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.config.Protocol;
import io.vertx.core.buffer.Buffer;

/** Instance values as Dynamo's discovery writes them into etcd. */
class EtcdInstancesTest {

    @Test
    void anEndpointWithATcpTransportIsADynamoInstance() {
        Instance instance = EtcdInstances.parse(Buffer.buffer("""
                {"type":"Endpoint","component":"backend","endpoint":"session_control","namespace":"dynamo",
                 "instance_id":7587888887373523465,"transport":{"tcp":"10.0.0.7:41233/694d9c3a7b6b2a09/session_control"}}
                """));

        assertEquals("7587888887373523465", instance.id());
        assertEquals(URI.create("tcp://10.0.0.7:41233/694d9c3a7b6b2a09/session_control"), instance.url());
        assertEquals(Protocol.DYNAMO, instance.protocol());
    }

    @Test
    void idsAreUnsigned64BitDecimalsEvenAboveLongMaxValue() {
        assertEquals("18446744073709551615", parseId("18446744073709551615"));
        assertEquals("9223372036854775808", parseId("9223372036854775808"));
        assertEquals("1", parseId("1"));
        assertEquals(Long.toUnsignedString(-2L), parseId("18446744073709551614"));
        for (String bad : new String[] { "18446744073709551616", "-1", "1.5", "\"12\"", "null" }) {
            assertThrows(IllegalArgumentException.class, () -> parseId(bad), bad);
        }
    }

    @Test
    void fieldsOfNewerReleasesAreIgnored() {
        Instance instance = EtcdInstances.parse(Buffer.buffer("""
                {"type":"Endpoint","component":"c","endpoint":"session_control","namespace":"n","instance_id":42,
                 "transport":{"tcp":"h:1/2a/session_control"},"device_type":"cuda","request_plane_codec":"msgpack",
                 "something_new":{"nested":[1,2]}}
                """));

        assertEquals(new Instance("42", URI.create("tcp://h:1/2a/session_control"), Protocol.DYNAMO), instance);
    }

    @Test
    void otherTransportsAndOtherRecordsAreSkippedWithTheReason() {
        IllegalArgumentException nats = assertThrows(IllegalArgumentException.class, () -> EtcdInstances.parse(
                Buffer.buffer("{\"type\":\"Endpoint\",\"instance_id\":5,\"transport\":{\"nats_tcp\":\"ns.c.ep-5\"}}")));
        assertTrue(nats.getMessage().contains("nats_tcp"), nats.getMessage());
        assertTrue(nats.getMessage().contains("DYN_REQUEST_PLANE=tcp"), nats.getMessage());

        IllegalArgumentException http = assertThrows(IllegalArgumentException.class, () -> EtcdInstances.parse(
                Buffer.buffer("{\"instance_id\":5,\"transport\":{\"http\":\"http://h:8/v1/rpc/x\"}}")));
        assertTrue(http.getMessage().contains("no tcp transport"), http.getMessage());

        assertThrows(IllegalArgumentException.class, () -> EtcdInstances.parse(
                Buffer.buffer("{\"type\":\"Model\",\"instance_id\":5}")));
        assertThrows(IllegalArgumentException.class, () -> EtcdInstances.parse(Buffer.buffer("{\"instance_id\":5}")));
        assertThrows(IllegalArgumentException.class, () -> EtcdInstances.parse(Buffer.buffer("[1]")));
        assertThrows(IllegalArgumentException.class, () -> EtcdInstances.parse(Buffer.buffer("")));
        assertThrows(IllegalArgumentException.class, () -> EtcdInstances.parse(
                Buffer.buffer("{\"instance_id\":5,\"transport\":{\"tcp\":\"no-port/x\"}}")));
    }

    @Test
    void thePrefixEndsWithASlashSoThatOtherEndpointsStayOut() {
        assertEquals("v1/instances/dynamo/backend/session_control/",
                EtcdInstances.prefix("dynamo", "backend", "session_control"));
    }

    private static String parseId(String literal) {
        return EtcdInstances.parse(Buffer.buffer("{\"type\":\"Endpoint\",\"instance_id\":" + literal
                + ",\"transport\":{\"tcp\":\"h:1/p\"}}")).id();
    }
}
