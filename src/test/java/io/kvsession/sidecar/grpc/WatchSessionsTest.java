package io.kvsession.sidecar.grpc;

import static io.kvsession.sidecar.support.Api.newSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvsession.sidecar.grpc.v1.BindSessionRequest;
import io.kvsession.sidecar.grpc.v1.CloseSessionRequest;
import io.kvsession.sidecar.grpc.v1.GetSessionRequest;
import io.kvsession.sidecar.grpc.v1.MutinySessionLifecycleGrpc.MutinySessionLifecycleStub;
import io.kvsession.sidecar.grpc.v1.OpenSessionRequest;
import io.kvsession.sidecar.grpc.v1.SessionEvent;
import io.kvsession.sidecar.grpc.v1.SessionEventType;
import io.kvsession.sidecar.grpc.v1.SessionKind;
import io.kvsession.sidecar.grpc.v1.SessionLifecycleGrpc.SessionLifecycleBlockingStub;
import io.kvsession.sidecar.grpc.v1.WatchSessionsRequest;
import io.kvsession.sidecar.support.Eventually;
import io.kvsession.sidecar.support.FakeWorkersTest;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class WatchSessionsTest extends FakeWorkersTest {

    @GrpcClient("sidecar")
    SessionLifecycleBlockingStub sidecar;

    @GrpcClient("sidecar")
    MutinySessionLifecycleStub watcher;

    /** A client with a 16 KiB flow-control window, so that not reading soon stops the server's sends. */
    @GrpcClient("slow-watcher")
    SessionLifecycleBlockingStub slowWatcher;

    @Test
    void aWatcherSeesOpenThenCloseThenExpiryInOrder() {
        AssertSubscriber<SessionEvent> events = watch(WatchSessionsRequest.getDefaultInstance());
        String session = newSession("watched");
        String expiring = newSession("expiring");

        sidecar.openSession(OpenSessionRequest.newBuilder().setSessionId(session).setInstanceId("w1")
                .setContextId("req-open").build());
        sidecar.closeSession(CloseSessionRequest.newBuilder().setSessionId(session).setContextId("req-close")
                .build());
        sidecar.bindSession(BindSessionRequest.newBuilder().setSessionId(expiring).setInstanceId("w2")
                .setTimeoutSecs(1).build());

        Eventually.await(Duration.ofSeconds(4), () -> "events of " + session + " and " + expiring,
                () -> of(events, expiring).size() == 2);
        List<SessionEvent> opened = of(events, session);
        assertEquals(List.of(SessionEventType.SESSION_EVENT_TYPE_OPENED, SessionEventType.SESSION_EVENT_TYPE_CLOSED),
                opened.stream().map(SessionEvent::getType).toList());
        assertEquals("w1", opened.get(0).getInstanceId());
        assertEquals(SessionKind.SESSION_KIND_ENGINE_BACKED, opened.get(0).getKind());
        assertEquals("req-open", opened.get(0).getContextId());
        assertEquals("req-close", opened.get(1).getContextId());
        List<SessionEvent> lapsed = of(events, expiring);
        assertEquals(List.of(SessionEventType.SESSION_EVENT_TYPE_BOUND, SessionEventType.SESSION_EVENT_TYPE_EXPIRED),
                lapsed.stream().map(SessionEvent::getType).toList());
        assertEquals("session-affinity-reaper", lapsed.get(1).getContextId());
        events.cancel();
    }

    @Test
    void aWatcherOfOneInstanceSeesOnlyItsSessions() {
        AssertSubscriber<SessionEvent> onlyW2 = watch(WatchSessionsRequest.newBuilder().setInstanceId("w2").build());
        String onW1 = newSession("on-w1");
        String onW2 = newSession("on-w2");

        sidecar.bindSession(BindSessionRequest.newBuilder().setSessionId(onW1).setInstanceId("w1").build());
        sidecar.bindSession(BindSessionRequest.newBuilder().setSessionId(onW2).setInstanceId("w2").build());

        Eventually.await(Duration.ofSeconds(2), () -> "the event of " + onW2, () -> !of(onlyW2, onW2).isEmpty());
        assertTrue(of(onlyW2, onW1).isEmpty());
        assertTrue(onlyW2.getItems().stream().allMatch(event -> event.getInstanceId().equals("w2")));
        onlyW2.cancel();
    }

    @Test
    void aWatcherThatStopsReadingIsCutOffWhileOthersGetEverything() throws Exception {
        String ticker = newSession("ticker");
        sidecar.bindSession(BindSessionRequest.newBuilder().setSessionId(ticker).setInstanceId("w3").build());
        AssertSubscriber<SessionEvent> fast = watch(WatchSessionsRequest.getDefaultInstance());
        Iterator<SessionEvent> slow = slowWatcher.withDeadlineAfter(60, TimeUnit.SECONDS)
                .watchSessions(WatchSessionsRequest.getDefaultInstance());
        CompletableFuture<SessionEvent> first = CompletableFuture.supplyAsync(slow::next);
        while (!first.isDone()) {
            touch(ticker);
            Thread.sleep(20);
        }
        int before = fast.getItems().size();

        int flood = 4000;
        for (int i = 0; i < flood; i++) {
            touch(ticker);
        }

        Eventually.await(Duration.ofSeconds(5), () -> "the fast watcher got all " + flood + " events",
                () -> fast.getItems().size() >= before + flood);
        StatusRuntimeException cutOff = assertThrows(StatusRuntimeException.class, () -> {
            while (slow.hasNext()) {
                slow.next();
            }
        });
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, cutOff.getStatus().getCode(), cutOff.getStatus().toString());
        fast.cancel();
    }

    private void touch(String session) {
        sidecar.getSession(GetSessionRequest.newBuilder().setSessionId(session).setTouch(true).build());
    }

    /** Subscribes and waits until the server side is subscribed too, seen by an event it sends. */
    private AssertSubscriber<SessionEvent> watch(WatchSessionsRequest request) {
        AssertSubscriber<SessionEvent> events = watcher.watchSessions(request)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        String sync = newSession("sync");
        String instance = request.getInstanceId().isEmpty() ? "w1" : request.getInstanceId();
        sidecar.bindSession(BindSessionRequest.newBuilder().setSessionId(sync).setInstanceId(instance).build());
        Eventually.await(Duration.ofSeconds(3), () -> "the watcher is subscribed", () -> {
            touch(sync);
            return !of(events, sync).isEmpty();
        });
        return events;
    }

    private static List<SessionEvent> of(AssertSubscriber<SessionEvent> events, String session) {
        return events.getItems().stream().filter(event -> event.getSessionId().equals(session)).toList();
    }
}
