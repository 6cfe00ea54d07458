package dev.floe.raft.server;

import dev.floe.raft.testkit.LocalCluster;

import dev.floe.raft.testkit.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.ReadConsistency;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The read options of thesis §6.4 with real threads: what each one may and may not return. */
class RaftServerReadConsistencyTest {

    private static String read(RaftServer s, ReadConsistency c) throws Exception {
        return s.read(Bytes.utf8("count"), c).get(5, TimeUnit.SECONDS).toUtf8();
    }

    private static void submit(RaftServer leader, int n) throws Exception {
        for (int i = 0; i < n; i++) leader.submit(Bytes.utf8("c" + i)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void staleReadAnswersFromTheLocalStateEvenOnACutOffFollower() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, LocalCluster.FAST, SnapshottingStateMachine::new, SnapshotOptions.defaults()).startAll()) {
            RaftServer leader = c.awaitLeader();
            NodeId follower = c.clients().keySet().stream().filter(id -> !id.equals(leader.id())).findFirst().orElseThrow();
            submit(leader, 5);
            c.awaitMachine(follower, "to hold 5 commands", sm -> sm.commands().size() >= 5);
            c.network.isolate(follower);
            submit(leader, 5);
            // The cut-off follower answers at once with what it has applied: stale, but never uncommitted.
            assertThat(read(c.server(follower), ReadConsistency.STALE)).isEqualTo("5");
            assertThat(read(leader, ReadConsistency.STALE)).isEqualTo("10");
            assertThat(read(leader, ReadConsistency.LINEARIZABLE)).isEqualTo("10");
        }
    }

    @Test
    void linearizableAndLeaseReadsObserveEveryCompletedWriteOnAnyMember_thesis6_4() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, LocalCluster.FAST, SnapshottingStateMachine::new, SnapshotOptions.defaults()).startAll()) {
            RaftServer leader = c.awaitLeader();
            for (int round = 1; round <= 5; round++) {
                submit(leader, 1);
                for (NodeId id : c.clients().keySet()) {
                    // A follower that has not applied the write yet waits for the leader's read index.
                    assertThat(read(c.server(id), ReadConsistency.LINEARIZABLE)).isEqualTo(Integer.toString(round));
                    assertThat(read(c.server(id), ReadConsistency.LEASE)).isEqualTo(Integer.toString(round));
                }
            }
        }
    }

    /** 50 ms ticks: a lease of (10 - 2) ticks = 400 ms, long enough to read in after a cut. */
    private static final RaftServerOptions LEASES = RaftServerOptions.builder()
            .tickInterval(Duration.ofMillis(50))
            .electionTicks(10, 1)
            .leaseReads(true, 2)
            .requestTimeout(Duration.ofSeconds(2))
            .build();

    @Test
    void aLeaseReadNeedsNoHeartbeatRoundWhileTheLeaseHolds_thesis6_4_1() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, LEASES, SnapshottingStateMachine::new, SnapshotOptions.defaults()).startAll()) {
            RaftServer leader = c.awaitLeader();
            submit(leader, 3);
            assertThat(read(leader, ReadConsistency.LEASE)).isEqualTo("3");
            // Cut the leader off: no heartbeat round can complete any more.
            c.network.isolate(leader.id());
            CompletableFuture<Bytes> lease = leader.read(Bytes.utf8("count"), ReadConsistency.LEASE);
            CompletableFuture<Bytes> readIndex = leader.read(Bytes.utf8("count"), ReadConsistency.LINEARIZABLE);
            assertThat(lease.get(2, TimeUnit.SECONDS).toUtf8()).isEqualTo("3");
            // The ReadIndex read needs a quorum's heartbeat acknowledgements, which never come.
            assertThatThrownBy(() -> readIndex.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void aCutOffLeaderNeverServesAStaleLeaseReadOnceANewLeaderWrote_thesis6_4_1() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, LEASES, SnapshottingStateMachine::new, SnapshotOptions.defaults()).startAll()) {
            RaftServer old = c.awaitLeader();
            submit(old, 2);
            c.network.isolate(old.id());
            // The others elect a new leader (only once the old lease lapsed: they ignore votes
            // within it, thesis 4.2.3) and complete a write the old leader never sees.
            RaftServer next = Await.value(Duration.ofSeconds(10), "a new leader among the others",
                    () -> c.clients().keySet().stream().filter(id -> !id.equals(old.id())).map(c::server)
                            .filter(s -> s.status().isLeader()).findFirst());
            submit(next, 1);
            // A read that started after that write completed must see it: the old leader must refuse.
            assertThatThrownBy(() -> read(old, ReadConsistency.LEASE)).isInstanceOf(ExecutionException.class);
            assertThat(read(next, ReadConsistency.LEASE)).isEqualTo("3");
        }
    }
}
