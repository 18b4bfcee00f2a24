package io.kvsession.sidecar.control;

import java.util.List;

/**
 * Workers appeared or disappeared (discovery); fired synchronously as a CDI event. The removed ones are already
 * retired: they take no new calls from lookups and have left the metrics, but can still be sent closes.
 */
public record InstancesChanged(List<Worker> added, List<Worker> removed) {
}
