package io.kvsession.sidecar.affinity;

/** Told about every binding that lapsed, once, after it left the table. */
@FunctionalInterface
public interface ExpiryListener {

    void expired(Binding binding);
}
