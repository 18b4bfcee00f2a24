package io.kvsession.sidecar.support;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import io.kvsession.sidecar.support.FakeWorker.OpenMode;
import io.kvsession.sidecar.support.dynamo.CallHome;
import io.kvsession.sidecar.support.dynamo.ReplicaDynamoWorker;

/**
 * The worker faults of the soak tests: one worker at a time hangs past the open timeout, refuses opens, fails
 * closes, goes down, restarts without its sessions (SGLang) or drops its answer streams (Dynamo), or fails; each
 * fault lasts 0.3–1 s, then the worker is healed. Each fault is journaled with the time it began, to be read beside
 * the sidecar's log when a soak fails.
 */
public final class WorkerFaults {

    private final FakeWorkers workers;
    private final List<String> journal = new CopyOnWriteArrayList<>();

    public WorkerFaults(FakeWorkers workers) {
        this.workers = workers;
    }

    /** Injects faults into random workers until the deadline ({@link System#nanoTime()}) has passed. */
    public void until(long deadlineNanos) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> ids = workers.ids();
        try {
            while (System.nanoTime() < deadlineNanos) {
                String id = ids.get(random.nextInt(ids.size()));
                int fault = random.nextInt(6);
                String began = LocalTime.now().toString();
                String what = workers.isDynamo(id) ? dynamoFault(workers.dynamo(id), fault)
                        : sglangFault(workers.get(id), fault);
                journal.add(began + " " + id + " " + what);
                Thread.sleep(300 + random.nextInt(700));
                heal(id);
                Thread.sleep(random.nextInt(500));
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every worker answers normally again, listening. */
    public void healAll() {
        workers.ids().forEach(this::heal);
    }

    /** The faults injected so far, as {@code <local time> <worker> <fault>}. */
    public List<String> journal() {
        return List.copyOf(journal);
    }

    private static String sglangFault(FakeWorker worker, int fault) {
        switch (fault) {
            case 0 -> worker.delay(Duration.ofMillis(700));
            case 1 -> worker.openMode(OpenMode.REJECT);
            case 2 -> worker.failCloses(3);
            case 3 -> worker.stop();
            case 4 -> worker.restart(Duration.ofMillis(300));
            default -> worker.openMode(OpenMode.SERVER_ERROR);
        }
        return List.of("slow", "refusing opens", "failing closes", "down", "restarted", "failing opens").get(fault);
    }

    private static String dynamoFault(ReplicaDynamoWorker worker, int fault) {
        switch (fault) {
            case 0 -> worker.answerDelay(Duration.ofMillis(700));
            case 1 -> worker.rejectOpens(FakeWorker.REJECTION);
            case 2 -> worker.callHome(CallHome.DROP_AFTER_PROLOGUE);
            case 3 -> worker.stop();
            default -> worker.errorItem("CUDA error: an illegal memory access was encountered");
        }
        return fault < 4 ? List.of("slow", "refusing opens", "dropping answers", "down").get(fault) : "failing";
    }

    private void heal(String id) {
        if (workers.isDynamo(id)) {
            workers.dynamo(id).answerDelay(Duration.ZERO).rejectOpens(null).callHome(CallHome.NORMAL)
                    .errorItem(null).start();
        } else {
            workers.get(id).delay(Duration.ZERO).openMode(OpenMode.NORMAL).failCloses(0).start();
        }
    }
}
