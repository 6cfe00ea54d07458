package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.SnapshotRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log compaction and InstallSnapshot (Raft paper §7, Figure 13; thesis chapter 5). */
class SnapshotTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private static List<Entry> entries(long from, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) out.add(Entry.command(terms[i], from + i, cmd("e" + (from + i))));
        return out;
    }

    private static SnapshotRequest finalChunk(long term, long index, long lastTerm, TestCluster c) {
        return new SnapshotRequest(N1, N2, term, new SnapshotMeta(index, lastTerm, c.config), 0, Bytes.EMPTY, true, 0);
    }

    @Test
    void aSnapshotFromTheLeaderOfOurTermMakesItOurKnownLeader_section5_2() {
        // n2 voted in term 1 and knows no leader yet; the snapshot of term 1 can only come from its leader.
        TestCluster c = new TestCluster(3);
        RaftNode n2 = c.node("n2");
        n2.step(new dev.floe.raft.message.VoteRequest(NodeId.of("n3"), N2, 1, 0, 0, false, false));
        assertThat(n2.term()).isEqualTo(1);
        assertThat(n2.leader()).isEmpty();
        n2.step(finalChunk(1, 10, 1, c));
        assertThat(n2.leader()).contains(N1);
    }

    @Test
    void followerWithConflictingLogDiscardsItAndRestoresTheSnapshot_Figure13rule7() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 2, entries(1, 1, 2, 2));
        RaftNode n2 = c.node("n2");
        n2.step(finalChunk(3, 10, 3, c));
        Ready rd = n2.ready();
        assertThat(rd.snapshot()).map(SnapshotMeta::lastIndex).contains(10L);
        // The acknowledgement waits until the log reset is durable.
        assertThat(rd.messagesAfterPersist()).containsExactly(AppendResponse.accepted(N2, N1, 3, 10));
        assertThat(n2.lastIndex()).isEqualTo(10);
        assertThat(n2.commitIndex()).isEqualTo(10);
        assertThat(n2.status().snapshotIndex()).isEqualTo(10);
        // The log continues after the snapshot.
        c.member("n2").log.reset(10, 3);
        n2.step(new AppendRequest(N1, N2, 3, 10, 3, entries(11, 3), 11));
        assertThat(n2.lastIndex()).isEqualTo(11);
    }

    @Test
    void followerThatHoldsTheSnapshotsLastEntryKeepsItsLog_Figure13rule6() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 2, entries(1, 1, 2, 2, 2));
        RaftNode n2 = c.node("n2");
        n2.step(finalChunk(2, 3, 2, c));
        Ready rd = n2.ready();
        assertThat(rd.snapshot()).isEmpty();
        assertThat(n2.lastIndex()).isEqualTo(4);
        assertThat(n2.commitIndex()).isEqualTo(3);
        assertThat(rd.messagesAfterPersist()).containsExactly(AppendResponse.accepted(N2, N1, 2, 3));
    }

    @Test
    void outdatedSnapshotIsIgnored() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 2, entries(1, 1, 2, 2, 2));
        RaftNode n2 = c.node("n2");
        n2.step(new AppendRequest(N1, N2, 2, 4, 2, List.of(), 4));
        n2.ready();
        n2.step(finalChunk(2, 2, 2, c));
        Ready rd = n2.ready();
        assertThat(rd.snapshot()).isEmpty();
        assertThat(rd.messagesAfterPersist()).containsExactly(AppendResponse.accepted(N2, N1, 2, 4));
    }

    @Test
    void leaderSendsASnapshotToAFollowerThatNeedsCompactedEntriesAndPausesAppends_section7() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        for (int i = 0; i < 10; i++) c.node("n1").propose(cmd("x" + i));
        // n3 misses everything after the election.
        c.deliverAll(m -> m.to().equals(NodeId.of("n3")) || m.from().equals(NodeId.of("n3")));
        RaftNode n1 = c.node("n1");
        c.member("n1").log.compact(8); // the leader snapshotted at 8 and compacted
        n1.step(AppendResponse.rejected(NodeId.of("n3"), N1, n1.term(), 5, 2, 0));
        // n3 (REPLICATE at match 1) rejects: back to PROBE at 2, which is before the first index 9.
        Ready rd = n1.ready();
        assertThat(rd.snapshotTransfers()).containsExactly(NodeId.of("n3"));
        assertThat(n1.status().followers().get(NodeId.of("n3")).state()).isEqualTo("SNAPSHOT");
        n1.propose(cmd("more"));
        assertThat(n1.ready().messages()).noneMatch(m -> m instanceof AppendRequest && m.to().equals(NodeId.of("n3")));
        // The follower installs it and acknowledges: replication resumes right after the snapshot.
        n1.step(AppendResponse.accepted(NodeId.of("n3"), N1, n1.term(), 8));
        assertThat(n1.status().followers().get(NodeId.of("n3")).state()).isIn("PROBE", "REPLICATE");
        assertThat(n1.ready().messages()).anyMatch(m -> m instanceof AppendRequest a && a.to().equals(NodeId.of("n3")) && a.prevLogIndex() == 8);
    }

    @Test
    void failedTransferReturnsTheFollowerToProbing() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        for (int i = 0; i < 10; i++) c.node("n1").propose(cmd("x" + i));
        c.deliverAll(m -> m.to().equals(NodeId.of("n3")) || m.from().equals(NodeId.of("n3")));
        RaftNode n1 = c.node("n1");
        c.member("n1").log.compact(8);
        n1.step(AppendResponse.rejected(NodeId.of("n3"), N1, n1.term(), 5, 2, 0));
        n1.ready();
        n1.reportSnapshot(NodeId.of("n3"), false);
        assertThat(n1.status().followers().get(NodeId.of("n3")).state()).isEqualTo("PROBE");
        // No hot retry loop: the next heartbeat answer probes, finds it still needs the snapshot,
        // and asks for another transfer.
        assertThat(n1.ready().snapshotTransfers()).isEmpty();
        n1.step(new dev.floe.raft.message.HeartbeatResponse(NodeId.of("n3"), N1, n1.term(), 0));
        assertThat(n1.ready().snapshotTransfers()).containsExactly(NodeId.of("n3"));
    }
}
