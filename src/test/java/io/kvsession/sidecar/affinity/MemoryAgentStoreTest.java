package io.kvsession.sidecar.affinity;

/** The agent rules on the memory store. */
class MemoryAgentStoreTest extends AgentStoreContract {

    @Override
    protected AffinityStore store(Limits limits) {
        return new MemoryAffinityStore(new AffinityTable(clock, limits, expired::add));
    }
}
