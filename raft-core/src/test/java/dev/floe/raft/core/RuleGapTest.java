package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.SnapshotRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One scenario per rule that the simulation alone used to guard (issue 11, item 5). */
class RuleGapTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");

    private static List<Entry> entries(long from, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) out.add(Entry.command(terms[i], from + i, cmd("e" + (from + i))));
        return out;
    }

    private static boolean answered(TestCluster c, String id, long requestId) {
        return c.member(id).readies.stream().flatMap(rd -> rd.readStates().stream())
                .anyMatch(r -> r instanceof ReadState.Ready ready && ready.requestId() == requestId);
    }

    /** Thesis §6.4 step 3: only a round sent after the read arrived proves we still led when it did. */
    @Test
    void readIsConfirmedOnlyByAHeartbeatRoundSentAfterItArrived_thesis6_4() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        n1.tick(); // a periodic heartbeat round, sent before the read
        List<Message> olderRound = c.take(m -> m instanceof HeartbeatRequest);
        assertThat(olderRound).hasSize(2);
        n1.readIndex(7);
        for (Message hb : olderRound) {
            c.node(hb.to().value()).step(hb);
            c.drain(hb.to().value());
        }
        // The answers to the older round arrive after the read: they must not confirm it.
        for (Message answer : c.take(m -> m instanceof HeartbeatResponse && m.to().equals(N1))) n1.step(answer);
        c.drain("n1");
        assertThat(answered(c, "n1", 7)).as("confirmed by a round that left before the read").isFalse();
        c.deliverAll();
        assertThat(answered(c, "n1", 7)).as("confirmed by its own round").isTrue();
    }

    /** Figure 2 / §5.2: only the current leader resets a follower's election timer; a deposed one must not. */
    @Test
    void staleLeaderHeartbeatsAndAppendsDoNotResetTheElectionTimer_section5_2() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 5, List.of());
        RaftNode n2 = c.node("n2");
        boolean campaigned = false;
        for (int t = 0; t < 2 * TestCluster.OPTIONS.electionTicks() && !campaigned; t++) {
            n2.step(new HeartbeatRequest(N1, N2, 3, 0, t + 1));
            n2.step(new AppendRequest(N1, N2, 3, 0, 0, List.of(), 0));
            n2.tick();
            campaigned = n2.role() != Role.FOLLOWER;
        }
        assertThat(campaigned).as("a leader of term 3 cannot hold off a follower of term 5").isTrue();

        // Control: the same traffic from a leader of the current term does hold it off.
        TestCluster d = new TestCluster(3);
        d.preload("n2", 5, List.of());
        RaftNode m2 = d.node("n2");
        for (int t = 0; t < 2 * TestCluster.OPTIONS.electionTicks(); t++) {
            m2.step(new HeartbeatRequest(N1, N2, 5, 0, t + 1));
            m2.tick();
        }
        assertThat(m2.role()).isEqualTo(Role.FOLLOWER);
    }

    /** Paper §6: a joint configuration commits only with majorities of both halves; the new half alone is not enough. */
    @Test
    void newHalfOfAJointConfigurationCannotCommitAlone_section6() {
        TestCluster c = new TestCluster(6, 3, TestCluster.OPTIONS);
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        ClusterConfig target = ClusterConfig.ofVoters("n4", "n5", "n6");
        assertThat(n1.proposeConfig(target, Bytes.EMPTY)).isInstanceOf(ProposeResult.Accepted.class);
        long jointIndex = n1.lastIndex();
        assertThat(n1.config().isJoint()).isTrue();
        // Every new voter answers, none of the old ones but the leader: 3 of 3 new, 1 of 3 old.
        c.deliverAll(m -> m.to().value().matches("n[23]") || m.from().value().matches("n[23]"));
        assertThat(c.node("n4").lastIndex()).as("the new voters hold the entry").isGreaterThanOrEqualTo(jointIndex);
        assertThat(n1.commitIndex()).isLessThan(jointIndex);
        // One more old voter makes a majority of both.
        c.deliverAll(m -> m.to().equals(N3) || m.from().equals(N3));
        c.tickAll(2, m -> m.to().equals(N3) || m.from().equals(N3));
        assertThat(n1.commitIndex()).isGreaterThanOrEqualTo(jointIndex);
    }

    /** Figure 13 rule 7: a log that runs past the snapshot but disagrees at its last index is discarded. */
    @Test
    void snapshotDiscardsALongerLogThatDisagreesAtItsLastIndex_Figure13rule7() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 1, entries(1, 1, 1, 1, 1, 1));
        RaftNode n2 = c.node("n2");
        n2.step(new SnapshotRequest(N1, N2, 3, new SnapshotMeta(3, 2, c.config), 0, Bytes.EMPTY, true, 0));
        Ready rd = n2.ready();
        assertThat(rd.snapshot()).map(SnapshotMeta::lastIndex).contains(3L);
        assertThat(n2.lastIndex()).as("entries 4 and 5 followed a different entry 3: gone").isEqualTo(3);
        assertThat(n2.commitIndex()).isEqualTo(3);
        assertThat(n2.status().snapshotIndex()).isEqualTo(3);
    }

    /** A heartbeat tells a follower at most its match index as commit: beyond it, its log may differ from ours. */
    @Test
    void heartbeatNeverAdvertisesACommitIndexBeyondTheFollowersMatch() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("a"));
        n1.propose(cmd("b"));
        c.deliverAll(m -> m.to().equals(N3) || m.from().equals(N3));
        assertThat(n1.commitIndex()).isEqualTo(3);
        long n3Match = n1.status().followers().get(N3).matchIndex();
        assertThat(n3Match).isEqualTo(1);
        n1.tick();
        List<Message> heartbeats = c.take(m -> m instanceof HeartbeatRequest);
        assertThat(heartbeats).extracting(m -> ((HeartbeatRequest) m).commit(), m -> m.to())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(3L, N2), org.assertj.core.groups.Tuple.tuple(1L, N3));
    }

    /** The follower's side: a heartbeat never lowers its commit index, and never commits past its log. */
    @Test
    void heartbeatCommitNeverLowersAFollowersCommitNorPassesItsLog() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 1, entries(1, 1, 1, 1));
        RaftNode n2 = c.node("n2");
        n2.step(new AppendRequest(N1, N2, 1, 2, 1, List.of(), 2));
        assertThat(n2.commitIndex()).isEqualTo(2);
        n2.step(new AppendRequest(N1, N2, 1, 3, 1, List.of(), 3));
        assertThat(n2.commitIndex()).isEqualTo(3);
        n2.step(new HeartbeatRequest(N1, N2, 1, 1, 1));
        assertThat(n2.commitIndex()).as("never lowered").isEqualTo(3);
        n2.step(new HeartbeatRequest(N1, N2, 1, 9, 2));
        assertThat(n2.commitIndex()).as("never past the log").isEqualTo(n2.lastIndex()).isEqualTo(3);
    }
}
