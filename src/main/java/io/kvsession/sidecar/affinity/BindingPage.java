package io.kvsession.sidecar.affinity;

import java.util.List;

/** One page of live bindings ordered by session id; {@code more} when another page follows. */
public record BindingPage(List<Binding> bindings, boolean more) {
}
