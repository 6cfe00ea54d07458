package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.SnapshotRequest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Leadership transfer edge cases of etcd-io/raft's raft_test.go (TestLeaderTransfer*), thesis §3.10. */
class TransferParityTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");

    /** TestLeaderTransferAfterSnapshot: a target behind the leader's compacted log gets a snapshot, then takes over. */
    @Test
    void targetThatNeedsASnapshotIsSentOneAndThenTakesOver_thesis3_10() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 5; i++) n1.propose(cmd("x" + i));
        c.deliverAll(TestCluster.isolating("n2"));
        long compactedTo = n1.commitIndex();
        c.member("n1").log.compact(compactedTo);
        assertThat(n1.transferLeadership(N2)).isInstanceOf(ProposeResult.Accepted.class);
        // n2 answers heartbeats without progress; the leader probes it and finds it needs compacted entries.
        for (int t = 0; t < 3; t++) {
            n1.tick();
            c.deliverAll();
        }
        assertThat(c.member("n1").readies).anyMatch(rd -> rd.snapshotTransfers().contains(N2));
        // The runtime streams the snapshot; its last chunk reaches n2's core once stored.
        c.inFlight.removeIf(m -> m.to().equals(N2));
        ClusterConfig config = n1.config();
        c.node("n2").step(new SnapshotRequest(N1, N2, n1.term(), new SnapshotMeta(compactedTo, n1.term(), config), 0, Bytes.EMPTY, true, 0));
        n1.reportSnapshot(N2, true);
        c.deliverAll();
        c.tickAll(3, m -> false);
        assertThat(c.node("n2").role()).isEqualTo(Role.LEADER);
        assertThat(c.member("n1").readies).anyMatch(rd -> rd.transfer().equals(Optional.of(new TransferResult(N2, true))));
    }

    /** TestLeaderTransferReceiveHigherTermVote: a leader deposed mid-transfer ends the transfer and takes no more proposals. */
    @Test
    void leaderDeposedMidTransferEndsTheTransfer_thesis3_10() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("behind"));
        c.deliverAll(TestCluster.isolating("n2")); // n2 lags: the transfer must wait for it
        assertThat(n1.transferLeadership(N2)).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(n1.propose(cmd("refused"))).isEqualTo(new ProposeResult.Rejected(ProposeResult.Reason.LEADERSHIP_TRANSFER, Optional.of(N1)));
        n1.step(new HeartbeatRequest(N3, N1, n1.term() + 1, 0, 1));
        assertThat(n1.role()).isEqualTo(Role.FOLLOWER);
        assertThat(n1.transferTarget()).isEmpty();
        assertThat(n1.ready().transfer()).contains(new TransferResult(N2, true));
        assertThat(n1.propose(cmd("later"))).isInstanceOf(ProposeResult.Rejected.class);
    }

    /** TestLeaderTransferToNonExistingNode, TestLeaderTransferRemoveNode, TestLeaderTransferToSelf: refused targets and changes. */
    @Test
    void transferOnlyToAnotherVoterAndNoMembershipChangeDuringIt_thesis3_10() {
        TestCluster c = new TestCluster(4, 3, TestCluster.OPTIONS);
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        assertThat(n1.transferLeadership(NodeId.of("n4"))).isInstanceOf(ProposeResult.Rejected.class);
        assertThat(n1.transferLeadership(N1)).isInstanceOf(ProposeResult.Rejected.class);
        c.deliverAll(TestCluster.isolating("n2"));
        n1.propose(cmd("behind"));
        c.deliverAll(TestCluster.isolating("n2"));
        assertThat(n1.transferLeadership(N2)).isInstanceOf(ProposeResult.Accepted.class);
        ProposeResult removal = n1.proposeConfig(ClusterConfig.ofVoters("n1", "n3"), Bytes.EMPTY);
        assertThat(removal).as("the target cannot be removed while it is being handed leadership")
                .isInstanceOf(ProposeResult.Rejected.class);
        assertThat(((ProposeResult.Rejected) removal).reason()).isEqualTo(ProposeResult.Reason.LEADERSHIP_TRANSFER);
        assertThat(n1.transferLeadership(N3)).as("one transfer at a time").isInstanceOf(ProposeResult.Rejected.class);
    }
}
