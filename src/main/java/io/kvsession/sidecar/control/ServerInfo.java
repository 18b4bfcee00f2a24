package io.kvsession.sidecar.control;

/**
 * What a worker says of itself: the sessions it offers, and a value that changes on every start of its process
 * (SGLang's {@code random_seed}, drawn at each boot), or null when it has none.
 */
public record ServerInfo(Capability capability, String boot) {
}
