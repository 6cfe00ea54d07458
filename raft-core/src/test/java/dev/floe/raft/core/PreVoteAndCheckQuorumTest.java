package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.isolating;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.message.VoteResponse;
import org.junit.jupiter.api.Test;

/** PreVote (thesis §9.6), CheckQuorum (thesis §6.2) and the follower lease (thesis §4.2.3). */
class PreVoteAndCheckQuorumTest {

    @Test
    void preVoteAndCheckQuorumAreOnByDefault() {
        assertThat(RaftOptions.DEFAULTS.preVote()).isTrue();
        assertThat(RaftOptions.DEFAULTS.checkQuorum()).isTrue();
    }

    @Test
    void partitionedNodeDoesNotRaiseItsTermWithPreVote_thesis9_6() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        long term = c.node("n1").term();
        // n3 is cut off for many election timeouts: its pre-votes fail, so its term stays put.
        c.tickAll(100, isolating("n3"));
        assertThat(c.node("n3").term()).isEqualTo(term);
        assertThat(c.node("n3").role()).isEqualTo(Role.PRE_CANDIDATE);
    }

    @Test
    void rejoiningNodeDoesNotDeposeAHealthyLeader_thesis9_6() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        long term = c.node("n1").term();
        c.tickAll(100, isolating("n3"));
        // n3 comes back: the leader keeps its term and its role, and n3 follows it.
        c.tickAll(30, m -> false);
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n1").term()).isEqualTo(term);
        assertThat(c.node("n3").leader()).contains(NodeId.of("n1"));
    }

    @Test
    void withoutPreVoteARejoiningNodeDisruptsTheLeader_showsWhyPreVoteExists() {
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withPreVote(false).withCheckQuorum(false));
        c.elect("n1");
        long term = c.node("n1").term();
        c.tickAll(100, isolating("n3"));
        assertThat(c.node("n3").term()).isGreaterThan(term + 3);
        c.tickAll(30, m -> false);
        assertThat(c.node("n1").term()).isGreaterThan(term);
    }

    @Test
    void preVoteIsGrantedWithoutChangingTheVotersTermOrVote_thesis9_6() {
        TestCluster c = new TestCluster(3);
        RaftNode n2 = c.node("n2");
        n2.step(new VoteRequest(NodeId.of("n1"), NodeId.of("n2"), 1, 0, 0, true, false));
        Ready rd = n2.ready();
        assertThat(n2.term()).isZero();
        assertThat(rd.hardState()).isEmpty();
        assertThat(rd.messagesAfterPersist()).containsExactly(new VoteResponse(NodeId.of("n2"), NodeId.of("n1"), 1, true, true));
    }

    @Test
    void leaderWithoutQuorumStepsDownWithinAnElectionTimeout_checkQuorum_thesis6_2() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        // n1 loses both followers; within about one election timeout it must notice and step down.
        int ticks = 0;
        while (c.node("n1").role() == Role.LEADER && ticks < 100) {
            c.tickAll(1, isolating("n1"));
            ticks++;
        }
        assertThat(c.node("n1").role()).isNotEqualTo(Role.LEADER);
        assertThat(ticks).isLessThanOrEqualTo(2 * TestCluster.OPTIONS.electionTicks());
    }

    @Test
    void leaderWithQuorumStaysLeader_checkQuorum_thesis6_2() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.tickAll(100, isolating("n3"));
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
    }

    @Test
    void followerInLeaseIgnoresVoteRequestsOfHigherTerm_thesis4_2_3() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n2 = c.node("n2");
        long term = n2.term();
        n2.step(new VoteRequest(NodeId.of("n3"), NodeId.of("n2"), term + 5, 100, term, false, false));
        assertThat(n2.term()).isEqualTo(term);
        assertThat(n2.ready().messagesAfterPersist()).isEmpty();
        // A leadership transfer's campaign is the exception: it is honoured.
        n2.step(new VoteRequest(NodeId.of("n3"), NodeId.of("n2"), term + 5, 100, term, false, true));
        assertThat(n2.term()).isEqualTo(term + 5);
    }
}
