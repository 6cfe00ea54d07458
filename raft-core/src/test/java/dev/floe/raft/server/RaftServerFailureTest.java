package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.LocalCluster;

import dev.floe.raft.testkit.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.ServerClosedException;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How requests end when things go wrong: timeouts, shutdown, overload, a failing state machine. */
@ExtendWith(NoFloeThreadsLeft.class)
class RaftServerFailureTest {
    private static final RaftServerOptions SHORT_TIMEOUT = LocalCluster.FAST.toBuilder()
            .requestTimeout(Duration.ofMillis(600))
            .build();

    private LocalCluster<RecordingStateMachine> cluster;

    @AfterEach
    void closeCluster() {
        if (cluster != null) cluster.close();
    }

    private static Throwable failureOf(CompletableFuture<Bytes> f) {
        Await.until(Duration.ofSeconds(10), "the future to complete", f::isDone);
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("unreachable");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void commandThatCannotCommitTimesOutWithOutcomeUnknown() throws Exception {
        cluster = LocalCluster.recording(3, SHORT_TIMEOUT).startAll();
        RaftServer leader = cluster.awaitLeader();
        leader.submit(Bytes.utf8("before")).get(5, TimeUnit.SECONDS);
        cluster.network.isolate(leader.id());
        CompletableFuture<Bytes> cut = leader.submit(Bytes.utf8("cut-off"));

        Throwable failure = failureOf(cut);
        // Taken into the leader's log but never committed: the server cannot say whether it will be.
        assertThat(failure).isInstanceOf(OutcomeUnknownException.class).hasMessageContaining("may still be applied");
    }

    @Test
    void commandOverwrittenByANewLeaderFailsAsNotAppliedOnceTheOldLeaderRejoins_raft5_3() throws Exception {
        cluster = LocalCluster.recording(3, LocalCluster.FAST).startAll();
        RaftServer old = cluster.awaitLeader();
        old.submit(Bytes.utf8("before")).get(5, TimeUnit.SECONDS);
        cluster.network.isolate(old.id());
        CompletableFuture<Bytes> lost = old.submit(Bytes.utf8("lost"));

        RaftServer next = Await.value(Duration.ofSeconds(10), "a new leader among the others", () ->
                cluster.running().stream().filter(s -> s != old && s.status().isLeader()).findFirst());
        next.submit(Bytes.utf8("wins")).get(5, TimeUnit.SECONDS);
        cluster.network.heal();

        // The old leader's entry at that index is replaced by the new leader's: exactly "not applied".
        assertThat(failureOf(lost)).isInstanceOf(NotLeaderException.class).hasMessageContaining("not applied");
        cluster.awaitMachines("to apply 2 commands", sm -> sm.commands().size() >= 2);
        for (RaftServer s : cluster.running()) {
            assertThat(cluster.machine(s.id()).commands()).containsExactly("before", "wins");
        }
    }

    @Test
    void closeEndsEveryPendingRequestAndLeavesNoThreads() {
        cluster = LocalCluster.recording(3, LocalCluster.FAST).startAll();
        RaftServer leader = cluster.awaitLeader();
        RaftServer follower = cluster.anyFollower(leader);
        cluster.network.isolate(leader.id());
        cluster.network.isolate(follower.id());
        List<CompletableFuture<Bytes>> pending = new ArrayList<>();
        for (int i = 0; i < 20; i++) pending.add(leader.submit(Bytes.utf8("p" + i)));
        pending.add(leader.read(Bytes.utf8("count")));
        pending.add(follower.read(Bytes.utf8("count")));

        cluster.close();
        for (CompletableFuture<Bytes> f : pending) {
            assertThat(f).isDone();
            assertThat(failureOf(f)).isInstanceOfAny(OutcomeUnknownException.class, ServerClosedException.class,
                    NotLeaderException.class);
        }
        // Commands already in the log are "outcome unknown", not "closed": they may commit elsewhere.
        assertThat(failureOf(pending.get(0))).isInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("closed");
        assertThat(Await.floeThreads()).isEmpty();
        assertThat(leader.status().running()).isFalse();
        assertThat(failureOf(leader.submit(Bytes.utf8("late")))).isInstanceOf(ServerClosedException.class);
        assertThat(failureOf(leader.read(Bytes.utf8("late")))).isInstanceOf(ServerClosedException.class);
    }

    @Test
    void tooManyPendingRequestsFailAtOnceWithBackpressure() {
        cluster = LocalCluster.recording(3, LocalCluster.FAST.toBuilder().maxPendingRequests(4).build()).startAll();
        RaftServer leader = cluster.awaitLeader();
        cluster.network.isolate(leader.id());
        List<CompletableFuture<Bytes>> taken = new ArrayList<>();
        for (int i = 0; i < 4; i++) taken.add(leader.submit(Bytes.utf8("q" + i)));
        CompletableFuture<Bytes> refused = leader.submit(Bytes.utf8("one too many"));

        assertThat(refused).isCompletedExceptionally();
        assertThat(failureOf(refused)).isInstanceOf(BackpressureException.class).hasMessageContaining("retry later");
        assertThat(taken).noneMatch(CompletableFuture::isDone);
    }

    @Test
    void readOnAFollowerCutOffFromTheLeaderFailsRatherThanAnsweringStale() {
        cluster = LocalCluster.recording(3, SHORT_TIMEOUT).startAll();
        RaftServer leader = cluster.awaitLeader();
        RaftServer follower = cluster.anyFollower(leader);
        cluster.network.isolate(follower.id());
        Throwable failure = failureOf(follower.read(Bytes.utf8("count")));
        assertThat(failure).isInstanceOfAny(NotLeaderException.class, TimeoutException.class);
    }

    @Test
    void failingStateMachineStopsTheServerInsteadOfDiverging() throws Exception {
        cluster = LocalCluster.recording(1, LocalCluster.FAST).startAll();
        RaftServer only = cluster.awaitLeader();
        only.submit(Bytes.utf8("fine")).get(5, TimeUnit.SECONDS);
        CompletableFuture<Bytes> boom = only.submit(Bytes.utf8("boom"));

        assertThat(failureOf(boom)).isInstanceOf(OutcomeUnknownException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class);
        Await.until(Duration.ofSeconds(5), "the server to stop", () -> !only.status().running());
        assertThat(failureOf(only.submit(Bytes.utf8("after")))).isInstanceOf(ServerClosedException.class)
                .hasMessageContaining("fatal error");
    }

    @Test
    void refusesRequestsBeforeStartAndClosesItsPlugsEvenIfNeverStarted() {
        LocalNetwork network = new LocalNetwork();
        NodeId id = NodeId.of("solo");
        RaftServer server = RaftServer.builder()
                .id(id)
                .members(List.of(dev.floe.raft.Member.voter(id, dev.floe.raft.Endpoint.parse("localhost:1"), dev.floe.raft.Endpoint.parse("localhost:2"))))
                .stateMachine(new RecordingStateMachine())
                .storage(new MemoryLogStorage(), new MemoryHardStateStore())
                .transport(network.transport(id))
                .build();
        assertThat(failureOf(server.submit(Bytes.utf8("x")))).isInstanceOf(ServerClosedException.class)
                .hasMessageContaining("new");
        server.close();
        server.close();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
    }

    @Test
    void builderAndOptionsNameWhatIsWrong() {
        assertThatThrownBy(() -> RaftServer.builder().id(NodeId.of("a")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("members is required");
        assertThatThrownBy(() -> RaftServer.builder().id(NodeId.of("a"))
                .members(List.of(dev.floe.raft.Member.voter(NodeId.of("b"), dev.floe.raft.Endpoint.parse("h:1"), dev.floe.raft.Endpoint.parse("h:2"))))
                .stateMachine(new RecordingStateMachine())
                .storage(new MemoryLogStorage(), new MemoryHardStateStore())
                .transport(new LocalNetwork().transport(NodeId.of("a")))
                .build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must include this server's id a");
        assertThatThrownBy(() -> RaftServerOptions.builder().electionTicks(5, 5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeatTicks");
        assertThatThrownBy(() -> RaftServerOptions.builder().requestTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
        assertThat(RaftServerOptions.defaults().tickInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(RaftServerOptions.defaults().toBuilder().build()).isEqualTo(RaftServerOptions.defaults());
    }
}
