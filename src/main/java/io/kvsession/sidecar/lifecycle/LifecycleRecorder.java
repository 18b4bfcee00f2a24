package io.kvsession.sidecar.lifecycle;

/** Where every {@link LifecycleEvent} goes: the log, the metrics and the watch stream sit behind it. */
@FunctionalInterface
public interface LifecycleRecorder {

    void record(LifecycleEvent event);
}
