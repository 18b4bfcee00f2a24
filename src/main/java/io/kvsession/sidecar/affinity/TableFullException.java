package io.kvsession.sidecar.affinity;

/** The table holds its configured maximum of bindings and none of them has expired. */
public final class TableFullException extends RuntimeException {

    public TableFullException(int maxEntries) {
        super("the affinity table is full (" + maxEntries + " bindings); retry after sessions close or expire");
    }
}
