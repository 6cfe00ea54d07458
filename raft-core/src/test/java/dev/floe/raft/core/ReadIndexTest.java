package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static dev.floe.raft.core.TestCluster.isolating;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.ReadIndexRequest;
import dev.floe.raft.message.ReadIndexResponse;
import dev.floe.raft.message.VoteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Linearizable reads by ReadIndex (thesis §6.4): no log write, one heartbeat round per batch. */
class ReadIndexTest {
    private static final NodeId N1 = NodeId.of("n1");

    private static List<ReadState> readStates(TestCluster c, String id) {
        List<ReadState> out = new ArrayList<>();
        for (Ready rd : c.member(id).readies) out.addAll(rd.readStates());
        return out;
    }

    @Test
    void leaderAnswersWithItsCommitIndexAfterAQuorumConfirmsLeadership_thesis6_4() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.node("n1").propose(cmd("w"));
        c.deliverAll();
        long commit = c.node("n1").commitIndex();
        long lastBefore = c.node("n1").lastIndex();
        c.node("n1").readIndex(7);
        c.drain("n1");
        assertThat(readStates(c, "n1")).as("not before the heartbeat round").isEmpty();
        c.deliverAll();
        assertThat(readStates(c, "n1")).containsExactly(new ReadState.Ready(7, commit));
        assertThat(c.node("n1").lastIndex()).as("no log entry per read").isEqualTo(lastBefore);
    }

    @Test
    void concurrentReadsShareOneHeartbeatRound_thesis6_4() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.deliverAll();
        for (int i = 1; i <= 50; i++) c.node("n1").readIndex(i);
        List<?> heartbeats = c.take(m -> m instanceof HeartbeatRequest);
        assertThat(heartbeats).hasSize(2); // one per follower, for all 50 reads
    }

    @Test
    void newLeaderServesReadsOnlyAfterCommittingAnEntryOfItsTerm_thesis6_4() {
        TestCluster c = new TestCluster(3);
        // The no-op's appends are lost: n1 leads but has committed nothing of its term.
        c.elect("n1", m -> m instanceof AppendRequest);
        c.node("n1").readIndex(1);
        c.deliverAll(m -> m instanceof AppendRequest);
        assertThat(readStates(c, "n1")).isEmpty();
        c.tickAll(3, m -> false); // heartbeats reveal the gap, the no-op commits
        assertThat(readStates(c, "n1")).containsExactly(new ReadState.Ready(1, c.node("n1").commitIndex()));
    }

    @Test
    void followerReadIsForwardedToTheLeader_thesis6_4() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.node("n1").propose(cmd("w"));
        c.deliverAll();
        c.node("n2").readIndex(42);
        c.deliverAll();
        assertThat(readStates(c, "n2")).containsExactly(new ReadState.Ready(42, c.node("n1").commitIndex()));
    }

    @Test
    void partitionedLeaderCannotConfirmAReadAndRejectsItWhenItStepsDown() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.deliverAll();
        c.node("n1").readIndex(9);
        c.tickAll(30, isolating("n1"));
        assertThat(readStates(c, "n1")).containsExactly(new ReadState.Rejected(9, Optional.empty()));
    }

    @Test
    void readWithoutAKnownLeaderIsRejectedAtOnce() {
        TestCluster c = new TestCluster(3);
        c.node("n2").readIndex(5);
        c.drain("n2");
        assertThat(readStates(c, "n2")).containsExactly(new ReadState.Rejected(5, Optional.empty()));
    }

    @Test
    void singleVoterConfirmsItsOwnReads() {
        TestCluster c = new TestCluster(1);
        c.elect("n1");
        c.node("n1").readIndex(3);
        c.drain("n1");
        assertThat(readStates(c, "n1")).containsExactly(new ReadState.Ready(3, c.node("n1").commitIndex()));
        assertThat(c.node("n1").leader()).contains(N1);
    }

    private static final RaftOptions LEASE = TestCluster.OPTIONS.withLeaseReads(true);

    /** With lease reads, members refuse votes for their first election timeout: let n2 and n3 live through it. */
    private static void passStartupQuiet(TestCluster c) {
        for (int i = 0; i < LEASE.electionTicks(); i++) {
            c.node("n2").tick();
            c.node("n3").tick();
        }
        c.drainAll();
        c.inFlight.clear();
    }

    @Test
    void leaseReadNeedsNoHeartbeatRoundWhileAQuorumAnsweredRecently_thesis6_4_1() {
        TestCluster c = new TestCluster(3, LEASE);
        passStartupQuiet(c);
        c.elect("n1");
        assertThat(c.node("n1").leaseReadIndex()).as("no acknowledged heartbeat yet").isEmpty();
        c.tickAll(2, m -> false);
        assertThat(c.node("n1").leaseReadIndex()).hasValue(c.node("n1").commitIndex());
        // Cut off: the lease runs out before an election timeout could let anyone else lead.
        int ticks = 0;
        while (c.node("n1").leaseReadIndex().isPresent()) {
            c.tickAll(1, isolating("n1"));
            ticks++;
        }
        assertThat(ticks).isLessThanOrEqualTo(LEASE.electionTicks() - LEASE.leaseMarginTicks());
    }

    @Test
    void noLeaseReadsDuringALeadershipTransferOrWhenDisabled_thesis6_4_1() {
        TestCluster c = new TestCluster(3, LEASE);
        passStartupQuiet(c);
        c.elect("n1");
        c.tickAll(2, m -> false);
        assertThat(c.node("n1").leaseReadIndex()).isPresent();
        c.node("n1").transferLeadership(NodeId.of("n2"));
        assertThat(c.node("n1").leaseReadIndex()).isEmpty();

        TestCluster d = new TestCluster(3);
        d.elect("n1");
        d.tickAll(2, m -> false);
        assertThat(d.node("n1").leaseReadIndex()).isEmpty();
    }

    @Test
    void withLeaseReadsAFreshlyStartedNodeRefusesVotesForAnElectionTimeout_thesis6_4_1() {
        TestCluster c = new TestCluster(3, LEASE);
        RaftNode n2 = c.node("n2");
        n2.step(new dev.floe.raft.message.VoteRequest(N1, NodeId.of("n2"), 5, 0, 0, false, false));
        assertThat(n2.term()).as("it may have promised a lease before restarting").isZero();
    }

    @Test
    void leaseIsRenewedByEveryAcknowledgedRoundNotOnlyTheFirst_thesis6_4_1() {
        TestCluster c = new TestCluster(3, LEASE);
        passStartupQuiet(c);
        c.elect("n1");
        c.tickAll(5 * LEASE.electionTicks(), m -> false);
        assertThat(c.node("n1").leaseReadIndex()).as("five election timeouts into its term, still acknowledged").hasValue(c.node("n1").commitIndex());
        // The leader counts itself as of now: n2's acknowledgements alone keep a quorum, n3 may be gone.
        c.tickAll(5 * LEASE.electionTicks(), isolating("n3"));
        assertThat(c.node("n1").leaseReadIndex()).hasValue(c.node("n1").commitIndex());
    }

    /** n2 forwards read 7 to its leader n1; the request is lost. */
    private static TestCluster readForwardedAndLost(RaftOptions options) {
        TestCluster c = new TestCluster(3, options);
        c.elect("n1");
        c.deliverAll();
        c.node("n2").readIndex(7);
        assertThat(c.take(m -> m instanceof ReadIndexRequest)).hasSize(1);
        return c;
    }

    @Test
    void aReadForwardedToALeaderIsRejectedOnceTheFollowerCampaigns_thesis6_4() {
        // With PreVote: rejected when the pre-vote starts, not left waiting for an answer that cannot come.
        TestCluster c = readForwardedAndLost(TestCluster.OPTIONS);
        RaftNode n2 = c.node("n2");
        while (n2.role() == Role.FOLLOWER) n2.tick();
        assertThat(n2.role()).isEqualTo(Role.PRE_CANDIDATE);
        c.drain("n2");
        assertThat(readStates(c, "n2")).containsExactly(new ReadState.Rejected(7, Optional.empty()));
        // The old leader's late answer does not answer it a second time.
        n2.step(new ReadIndexResponse(N1, NodeId.of("n2"), n2.term(), 7, 3, true));
        c.drain("n2");
        assertThat(readStates(c, "n2")).hasSize(1);

        // Without PreVote: rejected when the election starts.
        TestCluster d = readForwardedAndLost(TestCluster.OPTIONS.withPreVote(false));
        RaftNode d2 = d.node("n2");
        while (d2.role() == Role.FOLLOWER) d2.tick();
        assertThat(d2.role()).isEqualTo(Role.CANDIDATE);
        d.drain("n2");
        assertThat(readStates(d, "n2")).containsExactly(new ReadState.Rejected(7, Optional.empty()));
    }

    @Test
    void aReadForwardedToALeaderIsRejectedWhenANewerTermBegins_thesis6_4() {
        TestCluster c = readForwardedAndLost(TestCluster.OPTIONS.withPreVote(false));
        RaftNode n2 = c.node("n2");
        long term = n2.term();
        for (int i = 0; i < 2 * TestCluster.OPTIONS.electionTicks(); i++) n2.tick(); // n2 no longer honours n1's lease
        c.inFlight.clear();
        n2.step(new VoteRequest(NodeId.of("n3"), NodeId.of("n2"), term + 5, 0, 0, false, false));
        c.drain("n2");
        assertThat(readStates(c, "n2")).contains(new ReadState.Rejected(7, Optional.empty()));
    }

    @Test
    void aReadForwardedToALeaderIsRejectedWhenALeaderOfANewerTermSpeaks_thesis6_4() {
        // No campaign of n2's own in between: the newer term's leader is what ends the wait.
        TestCluster c = readForwardedAndLost(TestCluster.OPTIONS.withPreVote(false));
        RaftNode n2 = c.node("n2");
        long term = n2.term();
        n2.step(new dev.floe.raft.message.HeartbeatRequest(NodeId.of("n3"), NodeId.of("n2"), term + 1, 0, 0));
        c.drain("n2");
        assertThat(n2.leader()).contains(NodeId.of("n3"));
        assertThat(readStates(c, "n2")).containsExactly(new ReadState.Rejected(7, Optional.empty()));
    }
}
