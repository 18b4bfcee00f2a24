package io.kvsession.sidecar.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.MemorySize;
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

    /** Sessions named by request headers, and how hard a session sticks to its worker (SPEC §9). */
    Routing routing();

    /** How many sessions each worker takes. */
    Admission admission();

    /** Bounds of subagent trees: sessions that name a parent. */
    Agents agents();

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

        /** Where bindings live: memory (this process) or redis (shared by replicas, kept across restarts). */
        @WithDefault("memory")
        StoreKind store();

        /** The redis store; its server is {@code quarkus.redis.hosts}. */
        Redis redis();
    }

    interface Redis {
        /** Prefix of every key, used as their one hash tag: replicas that share it share their bindings. */
        @WithDefault("kvsession")
        String prefix();

        /** Longest wait for one store operation; past it the store counts as unreachable (503). */
        @WithDefault("1s")
        Duration timeout();

        /** A replica not heard from for this long is gone: another one sends the closes it owed. */
        @WithDefault("20s")
        Duration replicaTimeout();
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

        /** Most closes waiting or retrying at once; beyond it a close is refused (429). */
        @WithDefault("65536")
        int closeMaxPending();

        /** Most closes of sessions this sidecar never bound (named by instance_id) waiting at once. */
        @WithDefault("1024")
        int closeMaxPendingUnbound();

        /** Largest answer read from a worker for an open, close or health call; a longer one is a fault. */
        @WithDefault("16K")
        MemorySize maxAnswerSize();

        /** Largest server info read from a worker (it lists every server argument). */
        @WithDefault("1M")
        MemorySize maxServerInfoSize();

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

    interface Routing {
        /** Headers that name a session on a route, first present wins; case-insensitive. */
        @WithDefault("x-dynamo-session-id,x-session-id")
        List<String> sessionHeaders();

        /** Headers that name the parent of a routed session (a subagent's). */
        @WithDefault("x-dynamo-parent-session-id")
        List<String> parentSessionHeaders();

        /** Headers whose value {@code true} closes the session after the request. */
        @WithDefault("x-dynamo-session-final")
        List<String> finalHeaders();

        /**
         * {@code hard} or {@code soft}. Unset: header sessions are hard, and sessions named by
         * {@code session_control} keep the seed's rule (a gone worker's binding is dropped for the router's pick).
         */
        Optional<AffinityMode> affinityMode();
    }

    interface Admission {
        /** Sessions one worker takes at most; unlimited when unset. */
        OptionalInt maxSessionsPerInstance();
    }

    interface Agents {
        /** How many levels of parents a session may have above it. */
        @WithDefault("8")
        int maxDepth();

        /** Child sessions one parent may have at once. */
        @WithDefault("256")
        int maxChildren();
    }
}
