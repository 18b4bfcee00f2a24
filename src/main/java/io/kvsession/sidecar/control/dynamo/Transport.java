package io.kvsession.sidecar.control.dynamo;

import java.nio.charset.StandardCharsets;

/**
 * A worker's request-plane address as discovery publishes it ({@code transport.tcp}): {@code host:port/<path>},
 * optionally written {@code tcp://host:port/<path>}. Split at the first {@code /} as upstream's
 * {@code TcpRequestClient::parse_address} does; the path (today {@code <instance id hex>/<endpoint>}) is opaque and
 * routes the call to the worker's handler.
 */
public record Transport(String host, int port, String path) {

    /** The worker rejects a request whose path is empty or longer than this ({@code zero_copy_decoder.rs}). */
    static final int MAX_PATH_BYTES = 1024;

    public static Transport parse(String address) {
        String rest = address.startsWith("tcp://") ? address.substring("tcp://".length()) : address;
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw invalid(address, "no endpoint path after host:port");
        }
        String hostPort = rest.substring(0, slash);
        String path = rest.substring(slash + 1);
        int pathBytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (pathBytes == 0 || pathBytes > MAX_PATH_BYTES) {
            throw invalid(address, "the endpoint path must be 1 to " + MAX_PATH_BYTES + " bytes");
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw invalid(address, "no port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw invalid(address, "an IPv6 host must be in brackets");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException notANumber) {
            throw invalid(address, "the port is not a number");
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw invalid(address, "host or port out of range");
        }
        return new Transport(host, port, path);
    }

    /** The connection pool key and the host part of messages. */
    public String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return hostPort() + "/" + path;
    }

    private static IllegalArgumentException invalid(String address, String why) {
        return new IllegalArgumentException("not a Dynamo request-plane address (host:port/<path>): " + address
                + ": " + why);
    }
}
