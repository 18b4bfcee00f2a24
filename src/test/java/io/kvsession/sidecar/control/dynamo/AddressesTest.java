package io.kvsession.sidecar.control.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kvsession.sidecar.control.Instance;
import io.kvsession.sidecar.config.Protocol;

/** Where calls go and where answers come back: transports, instance URLs, the advertised host, retry pauses. */
class AddressesTest {

    @Test
    void aTransportSplitsAtTheFirstSlash() {
        assertEquals(new Transport("10.0.0.7", 41233, "1a2b/session_control"),
                Transport.parse("10.0.0.7:41233/1a2b/session_control"));
        assertEquals(new Transport("10.0.0.7", 41233, "1a2b/session_control"),
                Transport.parse("tcp://10.0.0.7:41233/1a2b/session_control"));
        Transport v6 = Transport.parse("[fd00::7]:41233/x");
        assertEquals("fd00::7", v6.host());
        assertEquals("[fd00::7]:41233", v6.hostPort());
        assertEquals("worker-0.workers:9000/x", Transport.parse("worker-0.workers:9000/x").toString());
    }

    @Test
    void aTransportWithoutPortOrPathOrWithAnOverlongPathIsRefused() {
        for (String bad : List.of("10.0.0.7:41233", "10.0.0.7/x", "10.0.0.7:/x", "10.0.0.7:0/x", "10.0.0.7:x/x",
                "fd00::7:41233/x", "10.0.0.7:41233/", "10.0.0.7:41233/" + "p".repeat(1025))) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> Transport.parse(bad), bad);
            assertTrue(refused.getMessage().contains(bad), refused.getMessage());
        }
        assertEquals(1024, Transport.parse("h:1/" + "p".repeat(1024)).path().length());
    }

    @Test
    void instancesTakeTcpUrlsForDynamoOnly() {
        Instance dynamo = Instance.of("18446744073709551615", "tcp://10.0.0.7:41233/1a2b/session_control",
                Protocol.DYNAMO);
        assertEquals(URI.create("tcp://10.0.0.7:41233/1a2b/session_control"), dynamo.url());
        assertEquals("http://h:1", Instance.of("w", "http://h:1", Protocol.DYNAMO).url().toString());

        IllegalArgumentException sglang = assertThrows(IllegalArgumentException.class,
                () -> Instance.of("w", "tcp://10.0.0.7:41233/x", Protocol.SGLANG));
        assertTrue(sglang.getMessage().contains("needs protocol dynamo"), sglang.getMessage());
        IllegalArgumentException noPath = assertThrows(IllegalArgumentException.class,
                () -> Instance.of("w", "tcp://10.0.0.7:41233", Protocol.DYNAMO));
        assertTrue(noPath.getMessage().contains("tcp://host:port/<endpoint path>"), noPath.getMessage());
        IllegalArgumentException ftp = assertThrows(IllegalArgumentException.class,
                () -> Instance.of("w", "ftp://h/x", Protocol.DYNAMO));
        assertTrue(ftp.getMessage().contains("or a request-plane address"), ftp.getMessage());
    }

    @Test
    void theAdvertisedHostIsConfiguredThenThePodIpThenAPrivateAddress() throws UnknownHostException {
        List<InetAddress> local = List.of(ip("127.0.0.1"), ip("169.254.3.3"), ip("100.64.0.9"), ip("10.1.2.3"),
                ip("192.168.0.4"));

        assertEquals("10.9.9.9", AdvertisedHost.resolve(Optional.of("10.9.9.9"), Optional.of("10.2.2.2"), local));
        assertEquals("10.2.2.2", AdvertisedHost.resolve(Optional.empty(), Optional.of(" 10.2.2.2 "), local));
        assertEquals("10.1.2.3", AdvertisedHost.resolve(Optional.empty(), Optional.of(""), local));
        assertEquals("100.64.0.9", AdvertisedHost.resolve(Optional.empty(), Optional.empty(),
                List.of(ip("127.0.0.1"), ip("fe80::1"), ip("100.64.0.9"))));
        assertEquals("127.0.0.1", AdvertisedHost.resolve(Optional.empty(), Optional.empty(),
                List.of(ip("127.0.0.1"), ip("169.254.3.3"))));
    }

    @Test
    void etcdRetriesBackOffFrom200MillisDoublingTo5Seconds() {
        assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L),
                List.of(1, 2, 3, 4, 5, 6, 100).stream().map(Backoff::after).map(Duration::toMillis).toList());
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
