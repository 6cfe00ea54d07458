package dev.floe.raft.server;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.LocalCluster;

import dev.floe.raft.testkit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Snapshots, compaction, InstallSnapshot and restart from a snapshot with real threads (Raft paper §7). */
class RaftServerSnapshotTest {
    private static final RaftServerOptions FAST = LocalCluster.FAST;

    private static List<String> expected(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(prefix + i);
        return out;
    }

    private static void submitAll(RaftServer leader, String prefix, int n) throws Exception {
        List<CompletableFuture<Bytes>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) futures.add(leader.submit(Bytes.utf8(prefix + i)));
        for (CompletableFuture<Bytes> f : futures) f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void automaticSnapshotsCompactTheLogKeepingTheConfiguredMargin_paper7() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, FAST, SnapshottingStateMachine::new, SnapshotOptions.builder().triggers(20, 0, 5).build()).startAll()) {
            RaftServer leader = c.awaitLeader();
            submitAll(leader, "a", 100);
            NodeId id = leader.id();
            Await.until(Duration.ofSeconds(5), "a snapshot and a compaction on the leader",
                    () -> c.stores.snapshotStore(id).commits() > 0 && c.stores.log(id).firstIndex() > 1);
            long snapshotIndex = c.stores.snapshotStore(id).latest().orElseThrow().meta().lastIndex();
            assertThat(snapshotIndex).isGreaterThanOrEqualTo(20);
            // Compaction keeps 5 entries before the snapshot point.
            Await.until(Duration.ofSeconds(5), "compaction behind the latest snapshot",
                    () -> c.stores.log(id).firstIndex() - 1 == c.stores.snapshotStore(id).latest().orElseThrow().meta().lastIndex() - 5);
            assertThat(c.stores.snapshotStore(id).latest().orElseThrow().meta().config().voters()).isEqualTo(c.clients().keySet());
        }
    }

    @Test
    void followerCutOffWhileTheLeaderCompactsCatchesUpBySnapshot_paper7() throws Exception {
        SnapshotOptions snaps = SnapshotOptions.builder().triggers(20, 0, 2).transfer(64, 2).build();
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, FAST, SnapshottingStateMachine::new, snaps).startAll()) {
            RaftServer leader = c.awaitLeader();
            NodeId lagging = c.clients().keySet().stream().filter(m -> !m.equals(leader.id())).findFirst().orElseThrow();
            submitAll(leader, "a", 5);
            c.awaitMachine(lagging, "to hold 5 commands", sm -> sm.commands().size() >= 5);
            c.network.isolate(lagging);
            submitAll(leader, "b", 120);
            Await.until(Duration.ofSeconds(5), "the leader to compact past the cut-off follower",
                    () -> c.stores.log(leader.id()).firstIndex() > 20);
            c.network.heal();
            c.awaitMachine(lagging, "to hold 125 commands", sm -> sm.commands().size() >= 125);
            List<String> all = new ArrayList<>(expected("a", 5));
            all.addAll(expected("b", 120));
            assertThat(c.machine(lagging).commands()).isEqualTo(all);
            assertThat(c.machine(lagging).restores()).as("caught up by installing a snapshot").isEqualTo(1);
            // Its log was reset to the snapshot: it starts after the snapshot, not at 1.
            assertThat(c.stores.log(lagging).firstIndex()).isGreaterThan(20);
            // And it keeps replicating from the log afterwards.
            submitAll(c.awaitLeader(), "c", 3);
            c.awaitMachine(lagging, "to hold 128 commands", sm -> sm.commands().size() >= 128);
        }
    }

    @Test
    void snapshotTransferSurvivesLostChunksAndAcknowledgements() throws Exception {
        SnapshotOptions snaps = SnapshotOptions.builder().triggers(0, 0, 0).transfer(50, 3)
                .timers(Duration.ofMillis(100), Duration.ofSeconds(10)).build();
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, FAST, SnapshottingStateMachine::new, snaps).startAll()) {
            RaftServer leader = c.awaitLeader();
            NodeId lagging = c.clients().keySet().stream().filter(m -> !m.equals(leader.id())).findFirst().orElseThrow();
            c.network.isolate(lagging);
            submitAll(leader, "x", 200);
            long index = leader.snapshotNow().get(5, TimeUnit.SECONDS);
            assertThat(index).isGreaterThanOrEqualTo(200);
            assertThat(c.stores.log(leader.id()).firstIndex()).isEqualTo(index + 1); // keepEntries = 0
            c.network.heal();
            c.network.dropProbability(0.1);
            Await.until(Duration.ofSeconds(20), "the lagging follower to install the snapshot",
                    () -> c.machine(lagging).restores() == 1);
            c.network.heal();
            c.awaitMachine(lagging, "to hold 200 commands", sm -> sm.commands().size() >= 200);
            assertThat(c.machine(lagging).commands()).isEqualTo(expected("x", 200));
        }
    }

    @Test
    void restartRestoresTheNewestSnapshotAndReplaysOnlyTheLogAfterIt_paper7() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, FAST, SnapshottingStateMachine::new, SnapshotOptions.builder().triggers(0, 0, 10).build()).startAll()) {
            RaftServer leader = c.awaitLeader();
            submitAll(leader, "a", 40);
            for (NodeId id : c.clients().keySet()) c.awaitMachine(id, "to hold 40 commands", sm -> sm.commands().size() >= 40);
            long snapshotIndex = leader.snapshotNow().get(5, TimeUnit.SECONDS);
            NodeId id = leader.id();
            submitAll(leader, "b", 10);
            for (NodeId m : c.clients().keySet()) c.awaitMachine(m, "to hold 50 commands", sm -> sm.commands().size() >= 50);
            for (NodeId m : c.clients().keySet()) c.stop(m);
            assertThat(c.stores.log(id).firstIndex()).isEqualTo(snapshotIndex - 10 + 1);

            c.startAll();
            // The restarted leader-to-be restored its snapshot before anything was applied again.
            assertThat(c.machine(id).restores()).isEqualTo(1);
            assertThat(c.server(id).status().appliedIndex()).isGreaterThanOrEqualTo(snapshotIndex);
            c.awaitMachine(id, "to hold 50 commands", sm -> sm.commands().size() >= 50);
            List<String> all = new ArrayList<>(expected("a", 40));
            all.addAll(expected("b", 10));
            assertThat(c.machine(id).commands()).isEqualTo(all);
            submitAll(c.awaitLeader(), "c", 5);
            c.awaitMachine(id, "to hold 55 commands", sm -> sm.commands().size() >= 55);
        }
    }

    @Test
    void restartAfterAnInstalledSnapshotWhoseLogWasNotResetResetsTheLogFirst() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(1, FAST, SnapshottingStateMachine::new, SnapshotOptions.builder().triggers(0, 0, 0).build()).startAll()) {
            NodeId id = NodeId.of("n1");
            RaftServer leader = c.awaitLeader();
            submitAll(leader, "a", 30);
            long index = leader.snapshotNow().get(5, TimeUnit.SECONDS);
            c.stop(id);
            // A log that does not reach the snapshot (as if lost): the server must line it up with the snapshot.
            c.stores.log(id).reset(3, 1);
            c.start(id);
            assertThat(c.stores.log(id).firstIndex()).isEqualTo(index + 1);
            assertThat(c.machine(id).commands()).isEqualTo(expected("a", 30));
            submitAll(c.awaitLeader(), "b", 2);
            assertThat(c.machine(id).commands()).hasSize(32);
        }
    }

    @Test
    void snapshotNowWithoutAStoreFailsClearly() throws Exception {
        try (LocalCluster<RecordingStateMachine> c = LocalCluster.recording(1, FAST).startAll()) {
            RaftServer s = c.awaitLeader();
            CompletableFuture<Long> f = s.snapshotNow();
            assertThat(f).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withMessageContaining("without a snapshot store");
        }
    }
}
