package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.LocalCluster;

import dev.floe.raft.testkit.Await;
import static dev.floe.raft.testkit.ServerCluster.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Membership changes on compacted logs: a new member catches up from a snapshot (paper §7) before
 * it is promoted, and restarts from its own snapshot as a voter, its configuration taken from the
 * snapshot rather than from the builder.
 */
@ExtendWith(NoFloeThreadsLeft.class)
class MembershipSnapshotServerTest {
    private static final SnapshotOptions SNAPSHOTS = SnapshotOptions.builder().triggers(20, 64L << 20, 5).build();
    private final LocalCluster<SnapshottingStateMachine> cluster =
            new LocalCluster<>(3, LocalCluster.FAST, SnapshottingStateMachine::new, SNAPSHOTS);

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void aNewMemberCatchesUpFromASnapshotThenVotesAndRestartsFromItsOwnSnapshot_section7() throws Exception {
        List<Member> founders = cluster.founders();
        RaftServer leader = cluster.startAll().awaitLeader();
        List<CompletableFuture<Bytes>> writes = new ArrayList<>();
        for (int i = 0; i < 100; i++) writes.add(leader.submit(Bytes.utf8("c" + i)));
        for (CompletableFuture<Bytes> w : writes) w.get(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), "the leader to compact its log", () -> cluster.stores.log(leader.id()).firstIndex() > 50);

        cluster.start(4, founders, true);
        ClusterConfig four = leader.addVoter(cluster.member(4)).get(10, TimeUnit.SECONDS);
        assertThat(four.voters()).contains(id(4));
        SnapshottingStateMachine n4 = cluster.machine(id(4));
        Await.until(Duration.ofSeconds(10), "n4 to hold all 100 commands", () -> n4.commands().size() >= 100);
        assertThat(n4.restores()).as("n4 was sent a snapshot, the log it needed being compacted").isPositive();
        assertThat(n4.commands().subList(0, 100)).isEqualTo(cluster.machine(leader.id()).commands().subList(0, 100));

        // Enough new entries for n4 to snapshot (and compact) past the entry that added it.
        writes.clear();
        for (int i = 100; i < 160; i++) writes.add(leader.submit(Bytes.utf8("c" + i)));
        for (CompletableFuture<Bytes> w : writes) w.get(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), "n4 to snapshot past its own addition", () ->
                cluster.stores.snapshotStore(id(4)).latest().map(s -> s.meta().lastIndex() > 110).orElse(false)
                        && cluster.stores.log(id(4)).firstIndex() > 110);
        cluster.stop(id(4));
        RaftServer again = cluster.start(4, founders, true);
        assertThat(again.status().config()).isEqualTo(four);
        assertThat(again.status().isVoter(id(4))).isTrue();
        leader.submit(Bytes.utf8("last")).get(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), "the restarted n4 to apply the next command", () -> {
            List<String> c = cluster.machine(id(4)).commands();
            return !c.isEmpty() && c.get(c.size() - 1).equals("last") && c.size() == 161;
        });
    }
}
