package io.kvsession.sidecar.affinity;

import java.util.Optional;

/** What a bind did: the binding now in place and the live one it replaced, if any. */
public record Bound(Binding binding, Optional<Binding> replaced) {
}
