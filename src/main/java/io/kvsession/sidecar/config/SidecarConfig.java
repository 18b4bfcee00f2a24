package io.kvsession.sidecar.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every {@code kvsession.*} setting of the sidecar (SPEC §7). */
@ConfigMapping(prefix = "kvsession")
public interface SidecarConfig {

    /** Static worker instances, keyed by instance id. */
    Map<String, Worker> workers();

    /** Worker discovery through DNS records or etcd. */
    Discovery discovery();

    /** The client side of Dynamo's TCP request plane. */
    RequestPlane requestPlane();

    /** The lazy session-control client. */
    Control control();

    /** Session defaults. */
    Session session();

    /** The session → instance affinity table. */
    Affinity affinity();

    /** Remote calls to workers. */
    Rpc rpc();

    /** Deferred closes waiting for a request to finish. */
    CloseGuard guard();

    /** Graceful shutdown. */
    Shutdown shutdown();

    /** Bearer-token authentication of the /v1 API and gRPC. */
    Auth auth();

    interface Worker {
        /** Base URL of the worker, e.g. {@code http://10.0.3.7:30000}. */
        String url();

        /** Session-control protocol the worker speaks. */
        @WithDefault("sglang")
        Protocol protocol();
    }

    interface Discovery {
        /** DNS discovery of workers. */
        Dns dns();

        /** Discovery of Dynamo workers through the instance keys they keep in etcd. */
        Etcd etcd();
    }

    interface Etcd {
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

    interface RequestPlane {
        /** Address the call-home listener binds and advertises; env POD_IP, else this host's address, when unset. */
        Optional<String> host();

        /** Port of the call-home listener; 0 picks a free one. */
        @WithDefault("0")
        int port();

        /** How long a worker may take to identify its call-home connection, and to open it after a call. */
        @WithDefault("10s")
        Duration handshakeTimeout();
    }

    interface Dns {
        /** Name whose A/AAAA records are the workers, e.g. a headless Service; off when unset. */
        Optional<String> name();

        /** Port the discovered workers listen on. */
        OptionalInt port();

        /** Protocol of the discovered workers. */
        @WithDefault("sglang")
        Protocol protocol();

        /** How often the records are resolved again. */
        @WithDefault("10s")
        Duration refresh();

        /** DNS server as host:port; the system resolvers when unset. */
        Optional<String> server();

        /** How long one A or AAAA query may take before it counts as unanswered. */
        @WithDefault("2s")
        Duration queryTimeout();
    }

    interface Control {
        /** How long the first lifecycle call waits for one healthy instance. */
        @WithDefault("5s")
        Duration waitForInstances();

        /** How long "no session control" is cached before the workers are probed again; also how often a
         * worker's session capability is read again. */
        @WithDefault("30s")
        Duration retryAfter();

        /** How long one health probe may take (SGLang's health generates a token: about a second). */
        @WithDefault("25s")
        Duration healthTimeout();
    }

    interface Session {
        /** TTL of a binding when a call gives none. */
        @WithDefault("300s")
        Duration defaultTimeout();

        /** Capacity sent to the worker on open. */
        @WithDefault("65536")
        int capacityOfStrLen();

        /** Added to the TTL sent to workers, so that the sidecar's expiry closes first. */
        @WithDefault("30s")
        Duration workerTimeoutBuffer();
    }

    interface Affinity {
        /** Most bindings the table holds; a full table answers 429. */
        @WithDefault("65536")
        int maxEntries();

        /** Period of the expiry sweep. */
        @WithDefault("5s")
        Duration reaperInterval();
    }

    interface Rpc {
        /** Deadline of one open RPC. */
        @WithDefault("5s")
        Duration openTimeout();

        /** Deadline of one close attempt. */
        @WithDefault("5s")
        Duration closeTimeout();

        /** Cap of the exponential backoff between close attempts. */
        @WithDefault("5s")
        Duration closeMaxBackoff();

        /** Most closes waiting or retrying at once; beyond it a close is given up and logged. */
        @WithDefault("65536")
        int closeMaxPending();

        /** Per-instance circuit breaker. */
        Breaker breaker();
    }

    interface Breaker {
        /** Calls in the rolling window of a breaker. */
        @WithDefault("8")
        int requestVolume();

        /** Share of failed calls in the window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long an open breaker waits before letting a trial call through. */
        @WithDefault("5s")
        Duration delay();
    }

    interface CloseGuard {
        /** A deferred close whose request never finishes runs anyway after this. */
        @WithDefault("10m")
        Duration maxWait();
    }

    interface Shutdown {
        /** Time given to pending closes on SIGTERM. */
        @WithDefault("10s")
        Duration drainTimeout();
    }

    interface Auth {
        /** Bearer token required on /v1 and gRPC calls; open when unset. */
        Optional<String> token();

        /** File holding the token (a mounted Secret); read at start, trailing white space ignored. */
        Optional<Path> tokenFile();

        /** Serve /v1 and gRPC without a token on a non-loopback address; refused at start unless this is true. */
        @WithDefault("false")
        boolean allowAnonymous();
    }
}
