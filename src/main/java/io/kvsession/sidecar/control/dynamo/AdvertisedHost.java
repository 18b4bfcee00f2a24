package io.kvsession.sidecar.control.dynamo;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The address workers call back to. It must be one they can reach, so, like upstream's {@code TcpStreamServer}
 * (which picks the host's routable IP), never a wildcard: the configured host, else the pod's IP from the
 * {@code POD_IP} environment variable (the Kubernetes downward API), else the first site-local IPv4 of an interface
 * that is up, else any other IPv4 that is neither loopback nor link-local — without it a pod outside the private
 * ranges would advertise loopback — else 127.0.0.1.
 */
final class AdvertisedHost {

    private AdvertisedHost() {
    }

    static String resolve(Optional<String> configured) {
        return resolve(configured, Optional.ofNullable(System.getenv("POD_IP")), interfaceAddresses());
    }

    static String resolve(Optional<String> configured, Optional<String> podIp, List<InetAddress> local) {
        Optional<String> given = configured.map(String::strip).filter(host -> !host.isEmpty())
                .or(() -> podIp.map(String::strip).filter(ip -> !ip.isEmpty()));
        if (given.isPresent()) {
            return given.get();
        }
        return local.stream()
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
                        && !address.isLinkLocalAddress() && !address.isAnyLocalAddress())
                .sorted(Comparator.comparing(address -> address.isSiteLocalAddress() ? 0 : 1))
                .findFirst()
                .map(InetAddress::getHostAddress)
                .orElse("127.0.0.1");
    }

    private static List<InetAddress> interfaceAddresses() {
        try {
            return NetworkInterface.networkInterfaces().filter(AdvertisedHost::up)
                    .flatMap(NetworkInterface::inetAddresses).toList();
        } catch (SocketException unreadable) {
            return List.of();
        }
    }

    private static boolean up(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp();
        } catch (SocketException unreadable) {
            return false;
        }
    }
}
