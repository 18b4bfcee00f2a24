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

    public static Instance of(String id, String url, Protocol protocol) {
        URI uri = URI.create(url.trim());
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "worker " + id + ": url must be an absolute http(s) URL such as http://10.0.3.7:30000, was " + url);
        }
        return new Instance(id, uri, protocol);
    }
}
