package io.kvsession.sidecar.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker;

/** The fake workers of one test application, by instance id: SGLang fakes and Dynamo replicas. */
public final class FakeWorkers {

    private final Map<String, FakeWorker> sglang = new LinkedHashMap<>();
    private final Map<String, ReplicaDynamoWorker> dynamo = new LinkedHashMap<>();

    /** {@code w1} and {@code w3} speak SGLang, {@code w2} is a Dynamo worker (a static {@code tcp://} instance). */
    public static FakeWorkers mixed() {
        return new FakeWorkers().add(new FakeWorker("w1").start())
                .add("w2", ReplicaDynamoWorker.unregistered("dynamo", "backend"))
                .add(new FakeWorker("w3").start());
    }

    FakeWorkers add(FakeWorker worker) {
        sglang.put(worker.id(), worker);
        return this;
    }

    FakeWorkers add(String instanceId, ReplicaDynamoWorker worker) {
        dynamo.put(instanceId, worker);
        return this;
    }

    /** The SGLang worker. */
    public FakeWorker get(String instanceId) {
        FakeWorker worker = sglang.get(instanceId);
        if (worker == null) {
            throw new IllegalArgumentException("no fake SGLang worker " + instanceId + " in " + sglang.keySet());
        }
        return worker;
    }

    /** The Dynamo worker. */
    public ReplicaDynamoWorker dynamo(String instanceId) {
        ReplicaDynamoWorker worker = dynamo.get(instanceId);
        if (worker == null) {
            throw new IllegalArgumentException("no Dynamo worker " + instanceId + " in " + dynamo.keySet());
        }
        return worker;
    }

    /** Every worker's instance id, SGLang ones first. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>(sglang.keySet());
        ids.addAll(dynamo.keySet());
        return ids;
    }

    /** Whether the instance is a Dynamo worker (else an SGLang one). */
    public boolean isDynamo(String instanceId) {
        return dynamo.containsKey(instanceId);
    }

    /** The sessions the worker holds now. */
    public Set<String> sessions(String instanceId) {
        return isDynamo(instanceId) ? dynamo(instanceId).sessions() : get(instanceId).sessions();
    }

    /** The open and close RPCs naming the session that each worker received, in the order it received them. */
    public Map<String, List<String>> rpcsNaming(String sessionId) {
        Map<String, List<String>> named = new LinkedHashMap<>();
        sglang.forEach((id, worker) -> named.put(id, worker.rpcs().stream()
                .filter(rpc -> (rpc.isOpen() || rpc.isClose()) && sessionId.equals(rpc.sessionId()))
                .map(rpc -> rpc.isOpen() ? "open" : "close").toList()));
        dynamo.forEach((id, worker) -> named.put(id, worker.rpcs().stream()
                .filter(rpc -> rpc.accepted() && sessionId.equals(rpc.sessionId()))
                .map(rpc -> rpc.isOpen() ? "open" : "close").toList()));
        named.values().removeIf(List::isEmpty);
        return named;
    }

    /**
     * A request on the session reached the worker, as the generate a router sends where the sidecar routed it: an
     * SGLang worker's idle timer starts again. (The Dynamo replica does not reap idle sessions.)
     */
    public void touch(String instanceId, String sessionId) {
        if (sglang.containsKey(instanceId)) {
            sglang.get(instanceId).sglang().touch(sessionId);
        }
    }

    /** Answers normally again, listening, with no sessions or RPCs recorded. */
    public void resetAll() {
        sglang.values().forEach(worker -> {
            worker.reset();
            worker.start();
        });
        dynamo.values().forEach(worker -> worker.reset().start());
    }

    /**
     * No worker received an RPC naming one of {@code sessions}. Only these: earlier tests' rollback and deferred closes
     * keep arriving in the background, and a worker that restarts gets its bound sessions opened again.
     */
    public void assertNoRpcsFor(String... sessions) {
        Set<String> named = Set.copyOf(Arrays.asList(sessions));
        sglang.values().forEach(worker -> assertEquals(List.of(), worker.rpcs().stream()
                .filter(rpc -> named.contains(rpc.sessionId())).toList(),
                "no RPC for these sessions reached " + worker.id()));
        dynamo.forEach((id, worker) -> assertEquals(List.of(), worker.rpcs().stream()
                .filter(rpc -> named.contains(rpc.sessionId())).toList(),
                "no RPC for these sessions reached " + id));
    }

    public void shutdown() {
        sglang.values().forEach(FakeWorker::shutdown);
        dynamo.values().forEach(ReplicaDynamoWorker::close);
    }

    /** The {@code kvsession.workers.*} properties naming every worker. */
    public Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        sglang.values().forEach(worker -> {
            config.put("kvsession.workers.\"" + worker.id() + "\".url", worker.url());
            config.put("kvsession.workers.\"" + worker.id() + "\".protocol", "sglang");
        });
        dynamo.forEach((id, worker) -> {
            config.put("kvsession.workers.\"" + id + "\".url", worker.url());
            config.put("kvsession.workers.\"" + id + "\".protocol", "dynamo");
        });
        return config;
    }
}
