package io.kvsession.sidecar.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Discovery of Dynamo workers through the instance keys they keep in etcd (SPEC §6). */
@ConfigMapping(prefix = "kvsession.discovery.etcd")
public interface EtcdConfig {

    /** etcd client URLs, comma-separated, e.g. {@code http://etcd:2379}; discovery is off when unset. */
    Optional<List<String>> endpoints();

    /** Dynamo namespace of the workers, e.g. {@code dynamo}. */
    Optional<String> namespace();

    /** Dynamo component of the workers, e.g. {@code backend}. */
    Optional<String> component();

    /** Dynamo endpoint that serves session control. */
    @WithDefault("session_control")
    String endpoint();
}
