package io.kvsession.sidecar.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fake DNS server whose name {@value #NAME} lists fake SGLang workers on 127.0.0.2, 127.0.0.3 and 127.0.0.4, all
 * on one port, plus a static worker {@code static-w}. At start the name lists 127.0.0.2 and 127.0.0.3.
 */
public class DiscoveryResource implements QuarkusTestResourceLifecycleManager {

    public static final String NAME = "sglang.llm.svc.cluster.local";

    private Discovered discovered;

    /** What a discovery test drives: the DNS server and the workers by address. */
    public record Discovered(FakeDns dns, FakeWorkers workers, int port) {

        public void publish(String... addresses) {
            dns.set(NAME, java.util.Arrays.stream(addresses).map(Discovered::address).toList());
        }

        public String id(String address) {
            return address + ":" + port;
        }

        private static InetAddress address(String text) {
            try {
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(text, e);
            }
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            FakeWorker first = new FakeWorker("127.0.0.2", InetAddress.getByName("127.0.0.2")).start();
            FakeWorkers workers = new FakeWorkers().add(first);
            for (String address : List.of("127.0.0.3", "127.0.0.4")) {
                workers.add(new FakeWorker(address, InetAddress.getByName(address)).listenOn(first.port()).start());
            }
            ReplicaDynamoWorker fixed = ReplicaDynamoWorker.unregistered("dynamo", "backend");
            workers.add("static-w", fixed);
            discovered = new Discovered(new FakeDns(), workers, first.port());
            discovered.publish("127.0.0.2", "127.0.0.3");
            return Map.of("kvsession.discovery.dns.name", NAME,
                    "kvsession.discovery.dns.port", Integer.toString(first.port()),
                    "kvsession.discovery.dns.server", discovered.dns().address(),
                    "kvsession.discovery.dns.refresh", "200ms",
                    "kvsession.discovery.dns.query-timeout", "300ms",
                    "kvsession.workers.\"static-w\".url", fixed.url(),
                    "kvsession.workers.\"static-w\".protocol", "dynamo");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fake DNS and workers", e);
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(discovered, new TestInjector.MatchesType(Discovered.class));
    }

    @Override
    public void stop() {
        if (discovered != null) {
            discovered.dns().close();
            discovered.workers().shutdown();
        }
    }
}
