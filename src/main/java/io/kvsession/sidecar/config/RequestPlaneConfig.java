package io.kvsession.sidecar.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The client side of Dynamo's TCP request plane: where workers call back with their answers. */
@ConfigMapping(prefix = "kvsession.request-plane")
public interface RequestPlaneConfig {

    /** Address the call-home listener binds and advertises; env POD_IP, else a site-local IPv4, when unset. */
    Optional<String> host();

    /** Port of the call-home listener; 0 picks a free one. */
    @WithDefault("0")
    int port();

    /** How long a worker may take to identify its call-home connection, and to open it after accepting a call. */
    @WithDefault("10s")
    Duration handshakeTimeout();
}
