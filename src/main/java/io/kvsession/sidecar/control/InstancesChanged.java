package io.kvsession.sidecar.control;

import java.util.List;

/** Instances appeared or disappeared (DNS discovery); fired synchronously as a CDI event. */
public record InstancesChanged(List<Instance> added, List<Instance> removed) {
}
