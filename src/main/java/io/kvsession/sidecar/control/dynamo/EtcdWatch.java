package io.kvsession.sidecar.control.dynamo;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.kvsession.sidecar.control.Instance;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * Keeps the set of Dynamo instances under one etcd prefix: lists the keys, then watches them from the next
 * revision, and hands the whole current set to {@code sink} after every change. Instances come and go with their keys
 * (a lease that expires deletes its key). When etcd cannot be reached or the watch breaks, nothing changes: the last
 * known set stays, one warning is logged, and the list is retried with {@link Backoff}, on the next endpoint; a
 * compacted watch revision re-lists at once. Free of CDI so that it runs against a real etcd in a plain test.
 * All state lives on one event loop, taken when it is built; build it outside any request.
 */
public final class EtcdWatch {

    private static final Logger LOG = Logger.getLogger(EtcdWatch.class);

    private final Vertx vertx;
    private final Context context;
    private final EtcdGateway gateway;
    private final String prefix;
    private final Consumer<Collection<Instance>> sink;
    private final Map<String, Instance> instances = new TreeMap<>();
    private final Set<String> unusable = new HashSet<>();
    private long generation;
    private int failures;
    private boolean outage;
    private boolean stopped;
    private EtcdGateway.Watch watch;
    private long retryTimer = -1;

    public EtcdWatch(Vertx vertx, List<String> endpoints, String prefix, Consumer<Collection<Instance>> sink) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoint to watch " + prefix + " on");
        }
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.gateway = new EtcdGateway(vertx, endpoints);
        this.prefix = prefix;
        this.sink = sink;
    }

    public void start() {
        context.runOnContext(ignored -> list());
    }

    public void stop() {
        context.runOnContext(ignored -> {
            stopped = true;
            generation++;
            endWatch();
            if (retryTimer >= 0) {
                vertx.cancelTimer(retryTimer);
            }
            gateway.close();
        });
    }

    /** Reads every key afresh and replaces the set, then watches from just after the listing. */
    private void list() {
        if (stopped) {
            return;
        }
        long listing = ++generation;
        endWatch();
        gateway.range(prefix).onComplete(listed -> {
            if (listing != generation) {
                return;
            }
            if (listed.failed()) {
                failed(listed.cause());
                return;
            }
            instances.clear();
            unusable.retainAll(listed.result().values().keySet());
            listed.result().values().forEach(this::put);
            if (outage) {
                LOG.infof("action=discovery outcome=etcd_back endpoint=%s instances=%d", gateway.endpoint(),
                        instances.size());
            }
            outage = false;
            failures = 0;
            publish();
            watch(listing, listed.result().revision() + 1);
        });
    }

    private void watch(long listing, long fromRevision) {
        watch = gateway.watch(prefix, fromRevision, changes -> {
            if (listing == generation) {
                apply(changes);
            }
        });
        watch.ended().onFailure(cause -> {
            if (listing == generation) {
                failed(cause);
            }
        });
    }

    private void apply(EtcdGateway.Changes changes) {
        if (changes.canceled()) {
            LOG.infof("action=discovery outcome=watch_cancelled prefix=%s compact_revision=%d: listing again", prefix,
                    changes.compactRevision());
            list();
            return;
        }
        boolean changed = false;
        for (EtcdGateway.Event event : changes.events()) {
            if (event.deleted()) {
                unusable.remove(event.key());
                changed |= instances.remove(event.key()) != null;
            } else {
                changed |= put(event.key(), event.value());
            }
        }
        if (changed) {
            publish();
        }
    }

    /** Records one key's instance; a value we cannot use is skipped, and said so once per key. */
    private boolean put(String key, Buffer value) {
        try {
            Instance instance = EtcdInstances.parse(value);
            unusable.remove(key);
            return !instance.equals(instances.put(key, instance));
        } catch (IllegalArgumentException skipped) {
            if (unusable.add(key)) {
                LOG.warnf("action=discovery outcome=skipped key=%s: %s", key, skipped.getMessage());
            }
            return instances.remove(key) != null;
        }
    }

    private void failed(Throwable cause) {
        if (stopped) {
            return;
        }
        generation++;
        endWatch();
        failures++;
        if (!outage) {
            outage = true;
            LOG.warnf("action=discovery outcome=etcd_unavailable endpoint=%s: %s; keeping the %d known instances and "
                    + "retrying", gateway.endpoint(), cause.getMessage(), instances.size());
        } else {
            LOG.debugf("action=discovery outcome=etcd_unavailable endpoint=%s: %s", gateway.endpoint(),
                    cause.getMessage());
        }
        gateway.rotate();
        retryTimer = vertx.setTimer(Backoff.after(failures).toMillis(), timer -> {
            retryTimer = -1;
            list();
        });
    }

    private void endWatch() {
        if (watch != null) {
            watch.cancel();
            watch = null;
        }
    }

    private void publish() {
        sink.accept(List.copyOf(instances.values()));
    }
}
