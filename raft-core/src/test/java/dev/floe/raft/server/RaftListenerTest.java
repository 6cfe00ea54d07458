package dev.floe.raft.server;

import dev.floe.raft.testkit.ServerCluster;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.RecordingListener;
import dev.floe.raft.testkit.LocalCluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a {@link RaftListener} hears from running servers: each kind of {@link RaftEvent} when its cause happens. */
class RaftListenerTest {

    private static void submitAll(RaftServer leader, String prefix, int n) throws Exception {
        List<CompletableFuture<Bytes>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) futures.add(leader.submit(Bytes.utf8(prefix + i)));
        for (CompletableFuture<Bytes> f : futures) f.get(10, TimeUnit.SECONDS);
    }

    private static NodeId other(ServerCluster<?, ?> c, NodeId... not) {
        return c.clients().keySet().stream().filter(m -> !List.of(not).contains(m)).findFirst().orElseThrow();
    }

    @Test
    void electionsAreReportedWithTheirCause_paper5_2_thesis3_10() throws Exception {
        try (LocalCluster<RecordingStateMachine> c = LocalCluster.recording(3, LocalCluster.FAST).startAll()) {
            RaftServer first = c.awaitLeader();
            RecordingListener heard = c.events(first.id());
            heard.await(RaftEvent.ElectionStarted.class, "the first election, with no leader known",
                    e -> e.cause() == RaftEvent.ElectionCause.NO_LEADER && e.previousLeader().isEmpty());
            RaftEvent.RoleChanged became = heard.await(RaftEvent.RoleChanged.class, "the winner's role change",
                    e -> e.role() == ServerStatus.Role.LEADER);
            assertThat(became.leader()).contains(first.id());
            assertThat(became.term()).isEqualTo(first.status().term());

            NodeId target = other(c, first.id());
            first.transferLeadership(target).get(5, TimeUnit.SECONDS);
            c.events(target).await(RaftEvent.ElectionStarted.class, "the transfer target's election",
                    e -> e.cause() == RaftEvent.ElectionCause.LEADERSHIP_TRANSFER && e.previousLeader().equals(Optional.of(first.id())));

            RaftServer second = c.awaitLeader();
            assertThat(second.id()).isEqualTo(target);
            c.stop(target);
            RaftServer third = c.awaitLeader();
            c.events(third.id()).await(RaftEvent.ElectionStarted.class, "an election after the leader went silent",
                    e -> e.cause() == RaftEvent.ElectionCause.LEADER_SILENT && e.previousLeader().equals(Optional.of(target)));
            // A follower hears of the new leader too.
            NodeId follower = other(c, target, third.id());
            c.events(follower).await(RaftEvent.RoleChanged.class, "the follower learning the new leader",
                    e -> e.leader().equals(Optional.of(third.id())) && e.role() == ServerStatus.Role.FOLLOWER);
        }
    }

    @Test
    void reportsCarryProgressFollowerLagRefusalsAndCommitLatencies() throws Exception {
        try (LocalCluster<RecordingStateMachine> c = LocalCluster.recording(3, LocalCluster.FAST).startAll()) {
            RaftServer leader = c.awaitLeader();
            NodeId follower = other(c, leader.id());
            submitAll(leader, "a", 50);
            long commit = leader.status().commitIndex();
            Throwable refused = Await.value(Duration.ofSeconds(5), "a refusal", () -> {
                try {
                    c.server(follower).submit(Bytes.utf8("no")).get(5, TimeUnit.SECONDS);
                    return Optional.empty();
                } catch (ExecutionException e) {
                    return Optional.of(e.getCause());
                } catch (Exception e) {
                    return Optional.empty();
                }
            });
            assertThat(refused).isInstanceOf(NotLeaderException.class);

            RaftEvent.Report report = c.events(leader.id()).await(RaftEvent.Report.class, "a report after the writes",
                    r -> r.status().commitIndex() >= commit && r.status().followers().values().stream().allMatch(f -> f.matchIndex() >= commit));
            assertThat(report.status().isLeader()).isTrue();
            assertThat(report.status().followers()).containsOnlyKeys(c.clients().keySet().stream().filter(m -> !m.equals(leader.id())).toList());
            List<Long> latencies = c.events(leader.id()).all(RaftEvent.Report.class).stream()
                    .flatMapToLong(r -> java.util.Arrays.stream(r.commitLatencies())).boxed().toList();
            assertThat(latencies).as("commit latencies sampled on the leader").isNotEmpty().allMatch(n -> n > 0 && n < 10_000_000_000L);
            c.events(follower).await(RaftEvent.Report.class, "the follower's count of refused proposals",
                    r -> r.refusals().get(RaftEvent.RefusalReason.NOT_LEADER) >= 1);
            assertThat(c.events(follower).all(RaftEvent.Report.class)).allMatch(r -> r.commitLatencies().length == 0);
        }
    }

    @Test
    void aThrowingListenerIsIgnoredAndTheServerKeepsWorking() throws Exception {
        try (LocalCluster<RecordingStateMachine> c = LocalCluster.recording(1, LocalCluster.FAST)) {
            NodeId id = c.clients().keySet().iterator().next();
            RaftServer server = RaftServer.builder().id(id).members(c.founders()).stateMachine(new RecordingStateMachine())
                    .storage(new dev.floe.raft.testkit.MemoryLogStorage(), c.stores.hardState(id))
                    .transport(c.network.transport(id)).options(LocalCluster.FAST)
                    .listener(e -> {
                        throw new IllegalStateException("broken listener");
                    })
                    .build();
            try (server) {
                server.start();
                Await.until(Duration.ofSeconds(5), "leadership despite the listener", () -> server.status().isLeader());
                assertThat(server.submit(Bytes.utf8("x")).get(5, TimeUnit.SECONDS)).isNotNull();
            }
        }
    }

    @Test
    void snapshotsAndCatchUpAreReportedWithBytesAndProgress_paper7() throws Exception {
        SnapshotOptions snaps = SnapshotOptions.builder().triggers(0, 0, 0).transfer(64, 2).build();
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, LocalCluster.FAST, SnapshottingStateMachine::new, snaps).startAll()) {
            RaftServer leader = c.awaitLeader();
            NodeId lagging = other(c, leader.id());
            c.network.isolate(lagging);
            submitAll(leader, "x", 150);
            long index = leader.snapshotNow().get(5, TimeUnit.SECONDS);
            RecordingListener atLeader = c.events(leader.id());
            RaftEvent.SnapshotTaken taken = atLeader.await(RaftEvent.SnapshotTaken.class, "the snapshot taken", e -> e.index() == index);
            assertThat(taken.bytes()).isPositive();
            atLeader.await(RaftEvent.CatchUp.class, "the cut-off follower reported behind",
                    e -> e.peer().equals(lagging) && !e.caughtUp() && e.leaderLastIndex() - e.matchIndex() >= RaftEvent.CATCH_UP_LAG);
            c.network.heal();

            RaftEvent.SnapshotTransfer sent = atLeader.await(RaftEvent.SnapshotTransfer.class, "the transfer done",
                    e -> e.peer().equals(lagging) && e.state() == RaftEvent.TransferState.DONE);
            assertThat(sent.direction()).isEqualTo(RaftEvent.Direction.SENDING);
            assertThat(sent.doneBytes()).isEqualTo(sent.totalBytes()).isEqualTo(taken.bytes());
            assertThat(atLeader.all(RaftEvent.SnapshotTransfer.class)).anyMatch(e -> e.state() == RaftEvent.TransferState.STARTED);
            RecordingListener atFollower = c.events(lagging);
            RaftEvent.SnapshotTransfer received = atFollower.await(RaftEvent.SnapshotTransfer.class, "the snapshot stored",
                    e -> e.state() == RaftEvent.TransferState.DONE);
            assertThat(received.direction()).isEqualTo(RaftEvent.Direction.RECEIVING);
            assertThat(received.doneBytes()).isEqualTo(received.totalBytes()).isEqualTo(taken.bytes());
            RaftEvent.SnapshotInstalled installed = atFollower.await(RaftEvent.SnapshotInstalled.class, "the install", e -> true);
            assertThat(installed.index()).isEqualTo(index);
            atLeader.await(RaftEvent.CatchUp.class, "the follower caught up", e -> e.peer().equals(lagging) && e.caughtUp());
        }
    }

    @Test
    void membershipChangesAndFatalErrorsAreReported_thesis4() throws Exception {
        try (LocalCluster<RecordingStateMachine> c = LocalCluster.recording(3, LocalCluster.FAST).startAll()) {
            RaftServer leader = c.awaitLeader();
            NodeId removed = other(c, leader.id());
            leader.removeMember(removed).get(5, TimeUnit.SECONDS);
            RaftEvent.MembershipChanged changed = c.events(leader.id()).await(RaftEvent.MembershipChanged.class,
                    "the removal", e -> !e.config().contains(removed));
            assertThat(changed.previous().contains(removed)).isTrue();

            CompletableFuture<Bytes> boom = leader.submit(Bytes.utf8("boom"));
            RaftEvent.FatalError fatal = c.events(leader.id()).await(RaftEvent.FatalError.class, "the fatal error", e -> true);
            assertThat(fatal.cause()).hasMessageContaining("boom");
            assertThat(fatal.what()).contains("state machine");
            assertThat(boom).failsWithin(Duration.ofSeconds(5));
        }
    }
}
