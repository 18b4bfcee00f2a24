package io.kvsession.sidecar.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kvsession.sidecar.control.Instance;
import io.quarkus.runtime.StartupEvent;

/**
 * Configurations that would serve badly are refused at start, with the key to change, instead of on the first
 * call or never: the API on a non-loopback address without a token, and a static worker whose URL cannot work
 * (parsed here by {@link Instance#of}, the rule the worker registry applies later, so that there is one rule).
 */
@ApplicationScoped
public class StartupChecks {

    void check(@Observes StartupEvent start, SidecarConfig config, AccessToken token,
            @ConfigProperty(name = "quarkus.http.host") String host) {
        exposure(host, token.required(), config.auth().allowAnonymous()).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        config.workers().forEach((id, worker) -> {
            try {
                Instance.of(id, worker.url(), worker.protocol());
            } catch (IllegalArgumentException unusable) {
                throw new IllegalStateException("kvsession.workers.\"" + id + "\".url is not usable: "
                        + unusable.getMessage(), unusable);
            }
        });
    }

    /**
     * Why serving on {@code host} is refused, if it is: anyone who reaches a non-loopback address could open and
     * close every session, so it needs a token, or an explicit decision to run open.
     */
    public static Optional<String> exposure(String host, boolean tokenRequired, boolean allowAnonymous) {
        if (tokenRequired || allowAnonymous || loopback(host)) {
            return Optional.empty();
        }
        return Optional.of("quarkus.http.host=" + host + " serves the API (REST and gRPC) beyond this machine, and "
                + "no token is configured: set kvsession.auth.token-file (or kvsession.auth.token), bind "
                + "quarkus.http.host=127.0.0.1, or set kvsession.auth.allow-anonymous=true to serve it open");
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
                    .isLoopbackAddress();
        } catch (UnknownHostException unresolvable) {
            return false;
        }
    }
}
