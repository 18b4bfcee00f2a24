package io.kvsession.sidecar.control;

import java.net.URI;

import io.kvsession.sidecar.config.Protocol;

/** One inference worker: its id as routers name it, where it listens and what it speaks. */
public record Instance(String id, URI url, Protocol protocol) {

    /** The worker's URL for an endpoint path such as {@code /open_session}. */
    public String endpoint(String path) {
        String base = url.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }

    /**
     * An instance at an absolute http(s) URL, or — Dynamo workers only — at a request-plane address
     * {@code tcp://host:port/<path>} as Dynamo's discovery publishes it.
     */
    public static Instance of(String id, String url, Protocol protocol) {
        URI uri = URI.create(url.trim());
        String scheme = uri.getScheme();
        if ("tcp".equals(scheme)) {
            if (protocol != Protocol.DYNAMO) {
                throw new IllegalArgumentException("worker " + id + ": a tcp:// URL is a Dynamo request-plane "
                        + "address and needs protocol dynamo (protocol is " + protocol.wireName() + "), was " + url);
            }
            if (uri.getHost() == null || uri.getPort() < 0 || uri.getRawPath() == null
                    || uri.getRawPath().length() < 2) {
                throw new IllegalArgumentException("worker " + id + ": a Dynamo request-plane URL must be "
                        + "tcp://host:port/<endpoint path> such as tcp://10.0.3.7:41233/1a2b3c/session_control, was "
                        + url);
            }
            return new Instance(id, uri, protocol);
        }
        if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
            throw new IllegalArgumentException("worker " + id + ": url must be an absolute http(s) URL such as "
                    + "http://10.0.3.7:30000" + (protocol == Protocol.DYNAMO
                            ? " or a request-plane address such as tcp://10.0.3.7:41233/1a2b3c/session_control"
                            : "")
                    + ", was " + url);
        }
        return new Instance(id, uri, protocol);
    }
}
