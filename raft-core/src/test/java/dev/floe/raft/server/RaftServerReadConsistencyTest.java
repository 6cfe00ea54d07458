package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.ReadConsistency;
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
        try (SnapshotCluster c = new SnapshotCluster(3, LocalCluster.FAST, SnapshotOptions.defaults()).startAll()) {
            RaftServer leader = c.awaitLeader();
            NodeId follower = c.members.keySet().stream().filter(id -> !id.equals(leader.id())).findFirst().orElseThrow();
            submit(leader, 5);
            c.awaitCommands(follower, 5);
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
        try (SnapshotCluster c = new SnapshotCluster(3, LocalCluster.FAST, SnapshotOptions.defaults()).startAll()) {
            RaftServer leader = c.awaitLeader();
            for (int round = 1; round <= 5; round++) {
                submit(leader, 1);
                for (NodeId id : c.members.keySet()) {
                    // A follower that has not applied the write yet waits for the leader's read index.
                    assertThat(read(c.server(id), ReadConsistency.LINEARIZABLE)).isEqualTo(Integer.toString(round));
                    assertThat(read(c.server(id), ReadConsistency.LEASE)).isEqualTo(Integer.toString(round));
                }
            }
        }
    }
}
