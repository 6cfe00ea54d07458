package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static dev.floe.raft.core.TestCluster.isolating;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.message.VoteResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A member repairing damaged durable state ({@link Repair}): no vote and no campaign until its
 * commit index reaches the leader's, as first heard in an AppendEntries, with an entry of the
 * leader's term; the flag survives restarts; afterwards it votes again.
 */
class RepairTest {
    private static final RaftOptions NO_PREVOTE = TestCluster.OPTIONS.withPreVote(false);
    private static final NodeId N1 = NodeId.of("n1");

    /** Restarts {@code id} as if its storage had been found damaged: its hard state says repairing. */
    private static void restartRepairing(TestCluster c, String id) {
        TestCluster.Member m = c.member(id);
        HardState hs = m.hardState.load();
        m.hardState.save(new HardState(hs.term(), Optional.empty(), true));
        c.restart(id);
    }

    @Test
    void aRepairingMemberGrantsNoVoteSoACandidateWithoutTheOthersCannotWin() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        restartRepairing(c, "n2");
        // n1 is cut off: n3 can only win with n2's vote, which a repairing member must not give.
        for (int i = 0; i < 10 * TestCluster.OPTIONS.electionTicks() && c.node("n3").role() == Role.FOLLOWER; i++) c.node("n3").tick();
        List<dev.floe.raft.message.Message> replies = new java.util.ArrayList<>();
        c.deliverAll(m -> {
            if (m instanceof VoteResponse && m.from().value().equals("n2")) replies.add(m);
            return isolating("n1").test(m);
        });
        assertThat(replies).isNotEmpty().allMatch(m -> !((VoteResponse) m).granted());
        assertThat(c.node("n3").role()).isNotEqualTo(Role.LEADER);
        assertThat(c.node("n2").status().repairing()).isTrue();
    }

    @Test
    void aRepairingMemberNeverCampaigns() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        restartRepairing(c, "n2");
        RaftNode n2 = c.node("n2");
        for (int i = 0; i < 20 * TestCluster.OPTIONS.electionTicks(); i++) n2.tick();
        assertThat(n2.role()).isEqualTo(Role.FOLLOWER);
        assertThat(n2.term()).isZero();
        assertThat(c.take(m -> m instanceof VoteRequest)).isEmpty();
    }

    @Test
    void repairEndsOnceCaughtUpWithTheLeaderAndTheMemberThenVotesForThatLeaderInItsTerm() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        c.elect("n1");
        for (int i = 0; i < 3; i++) c.node("n1").propose(cmd("before-" + i));
        c.deliverAll();
        restartRepairing(c, "n2");
        assertThat(c.node("n2").status().repairing()).isTrue();

        c.node("n1").propose(cmd("after"));
        c.deliverAll();
        // It first learns its term back from the others' answers to its probes, then catches up;
        // heartbeats carry the commit index on.
        c.tickAll(5, m -> false);

        RaftNode n2 = c.node("n2");
        assertThat(n2.commitIndex()).isEqualTo(c.node("n1").commitIndex());
        assertThat(n2.status().repairing()).isFalse();
        // Durable: a restart now starts a normal member, which has "voted" for the leader it follows.
        assertThat(c.member("n2").hardState.load()).isEqualTo(new HardState(c.node("n1").term(), Optional.of(N1), false));
    }

    @Test
    void heartbeatsAloneDoNotEndTheRepairBecauseTheirCommitIndexIsCappedAtWhatTheLeaderThinksTheMemberHas() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        c.elect("n1");
        c.node("n1").propose(cmd("x"));
        c.deliverAll();
        restartRepairing(c, "n2");
        c.tickAll(5 * TestCluster.OPTIONS.heartbeatTicks(), m -> m instanceof AppendRequest);
        assertThat(c.node("n2").status().repairing()).isTrue();

        c.node("n1").propose(cmd("y"));
        c.deliverAll();
        c.tickAll(2, m -> false);
        assertThat(c.node("n2").status().repairing()).isFalse();
    }

    @Test
    void theRepairSurvivesARestartEvenAfterTheMemberSavedANewTerm() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        restartRepairing(c, "n2");
        // n3 campaigns: n2 learns term 1 and saves it, still repairing.
        RaftNode n3 = c.node("n3");
        while (n3.role() == Role.FOLLOWER) n3.tick();
        c.deliverAll(isolating("n1"));
        assertThat(c.member("n2").hardState.load().term()).isEqualTo(1);
        assertThat(c.member("n2").hardState.load().repairing()).isTrue();
        c.restart("n2");
        assertThat(c.node("n2").status().repairing()).isTrue();
    }

    @Test
    void aSoleVoterHasNoOneToRepairFromAndCarriesOn() {
        TestCluster c = new TestCluster(1, NO_PREVOTE);
        restartRepairing(c, "n1");
        assertThat(c.node("n1").status().repairing()).isFalse();
        c.elect("n1");
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
    }

    private static dev.floe.raft.ClusterConfig voters(String... ids) {
        return dev.floe.raft.ClusterConfig.ofVoters(ids);
    }

    @Test
    void aRepairingMemberLearnsItsTermOnlyFromEnoughOtherVotersToMeetEveryQuorum() {
        // Five voters with n1 repairing: n - majority + 1 = 3 of the others must have answered this
        // round (any majority that elected a newer leader then includes one of them, paper §5.1).
        NodeId n1 = NodeId.of("n1");
        Repair repair = new Repair(true, 42);
        dev.floe.raft.ClusterConfig five = voters("n1", "n2", "n3", "n4", "n5");
        assertThat(repair.learningTerm()).isTrue();
        repair.heardTerm(NodeId.of("n2"), 42);
        repair.heardTerm(NodeId.of("n3"), 41); // an answer to an earlier life's round
        repair.heardTerm(n1, 42);              // ourselves: proves nothing
        repair.heardTerm(NodeId.of("n9"), 42); // not a voter of this configuration
        repair.heardTerm(NodeId.of("n4"), 42);
        assertThat(repair.awaits(NodeId.of("n2"))).as("answered this round").isFalse();
        assertThat(repair.awaits(NodeId.of("n3"))).isTrue();
        assertThat(repair.finishLearningTerm(n1, five)).as("two voters of the others are not enough").isFalse();
        assertThat(repair.learningTerm()).isTrue();
        repair.heardTerm(NodeId.of("n5"), 42);
        assertThat(repair.finishLearningTerm(n1, five)).isTrue();
        assertThat(repair.learningTerm()).isFalse();
        assertThat(repair.finishLearningTerm(n1, five)).as("it ended once").isFalse();
        assertThat(repair.active()).as("the repair itself goes on until caught up").isTrue();
    }

    @Test
    void aRepairEndsWhenItsCommitIndexReachesTheLeadersWithAnEntryOfTheLeadersTerm() {
        Repair repair = new Repair(true, 1);
        assertThat(repair.target()).as("no leader heard yet").isEqualTo(-1);
        assertThat(repair.finishIfCaughtUp(50, 3, 3)).isFalse();
        repair.heardLeaderCommit(10);
        repair.heardLeaderCommit(8);
        assertThat(repair.target()).isEqualTo(10);
        assertThat(repair.finishIfCaughtUp(9, 3, 3)).isFalse();
        assertThat(repair.finishIfCaughtUp(10, 2, 3)).as("the entry at its commit index is of an older term").isFalse();
        assertThat(repair.finishIfCaughtUp(10, 3, 3)).isTrue();
        assertThat(repair.active()).isFalse();
    }

    @Test
    void termProbesGoOutAtOnceThenOncePerInterval() {
        Repair repair = new Repair(true, 1);
        assertThat(repair.probeDue(3)).as("at once").isTrue();
        assertThat(repair.probeDue(3)).isFalse();
        assertThat(repair.probeDue(3)).isFalse();
        assertThat(repair.probeDue(3)).as("three ticks after the last").isTrue();
        assertThat(new Repair(false, 1).probeDue(3)).as("not repairing: never").isFalse();
    }
}
