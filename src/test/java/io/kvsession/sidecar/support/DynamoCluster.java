package io.kvsession.sidecar.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real etcd on 127.0.0.1 and Dynamo worker replicas that register in it, as a Dynamo deployment has them: the
 * sidecar finds the workers through {@code kvsession.discovery.etcd.*}. Leases last {@value #LEASE_SECONDS} s, so a
 * worker whose keep-alives stop is gone within that. Tests receive it in a {@code DynamoCluster} field.
 */
public final class DynamoCluster implements QuarkusTestResourceLifecycleManager {

    public static final String NAMESPACE = "dynamo";
    public static final String COMPONENT = "backend";
    static final int LEASE_SECONDS = 2;

    private EtcdServer etcd;
    private final List<ReplicaDynamoWorker> workers = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, String> start() {
        etcd = EtcdServer.launch();
        register();
        register();
        return Map.of("kvsession.discovery.etcd.endpoints", etcd.endpoint(),
                "kvsession.discovery.etcd.namespace", NAMESPACE,
                "kvsession.discovery.etcd.component", COMPONENT);
    }

    /** A new worker, serving and registered under a lease of its own. */
    public ReplicaDynamoWorker register() {
        ReplicaDynamoWorker worker = ReplicaDynamoWorker.registered(etcd.endpoint(), NAMESPACE, COMPONENT,
                Duration.ofSeconds(LEASE_SECONDS));
        workers.add(worker);
        return worker;
    }

    public ReplicaDynamoWorker worker(int index) {
        return workers.get(index);
    }

    public EtcdServer etcd() {
        return etcd;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(this, new TestInjector.MatchesType(DynamoCluster.class));
    }

    @Override
    public void stop() {
        workers.forEach(ReplicaDynamoWorker::close);
        if (etcd != null) {
            etcd.close();
        }
    }
}
