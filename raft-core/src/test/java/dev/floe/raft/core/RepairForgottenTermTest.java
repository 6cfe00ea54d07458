package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.between;
import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.TermProbe;
import dev.floe.raft.message.TermProbeResponse;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A repairing member first learns its term back ({@link Repair}): it lost the highest term it
 * joined with its hard state, so until enough voters told it their terms it acknowledges no leader,
 * or a leader deposed in the forgotten term could commit with its help.
 */
class RepairForgottenTermTest {
    private static final RaftOptions NO_PREVOTE = TestCluster.OPTIONS.withPreVote(false);

    /**
     * The hole the rule closes (seed 1052 of the former simulator): n1 leads term 1; n3, cut off
     * from n1, wins term 2 with n2's vote but has replicated nothing yet; n2 then loses its hard
     * state and restarts at term 1, the last term in its log. Without the rule n2 would accept and
     * acknowledge n1's term-1 entry, n1 would commit it, and n3 would later commit its own entry at
     * the same index with n2 — two different entries committed at one index.
     */
    @Test
    void aMemberThatForgotItsTermDoesNotHelpALeaderDeposedInThatTermCommit() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        c.elect("n1");
        c.node("n1").propose(cmd("a"));
        c.deliverAll();
        long committedBefore = c.node("n1").commitIndex();

        // n3 wins term 2 with n2's vote; n1 never hears of it, and n3's appends do not reach n2 yet.
        // (n2 restarts first, so it has not heard from n1 lately and does not ignore n3, §4.2.3.)
        c.restart("n2");
        Predicate<Message> cutN1FromN3 = between("n1", "n3");
        RaftNode n3 = c.node("n3");
        while (n3.role() == Role.FOLLOWER) n3.tick();
        c.deliverAll(cutN1FromN3.or(m -> m instanceof AppendRequest));
        assertThat(n3.role()).isEqualTo(Role.LEADER);
        assertThat(c.member("n2").hardState.load().term()).isEqualTo(2);

        // n2 loses its hard state: it restarts at the last term of its log, repairing.
        c.member("n2").hardState.save(new HardState(1, Optional.empty(), true));
        c.restart("n2");
        assertThat(c.node("n2").term()).isEqualTo(1);

        // n1 (deposed in term 2, which n2 forgot) replicates an entry of term 1 to n2. n2's probe
        // to n3 is lost: it has heard only n1's term, which does not meet every quorum.
        Predicate<Message> n3Unreachable = m -> m.from().equals(n3.id()) || m.to().equals(n3.id());
        c.node("n1").propose(cmd("from-the-deposed-leader"));
        c.tickAll(3 * TestCluster.OPTIONS.heartbeatTicks(), n3Unreachable);
        assertThat(c.take(m -> m instanceof AppendResponse || m instanceof HeartbeatResponse)).isEmpty();
        assertThat(c.node("n1").commitIndex()).isEqualTo(committedBefore);
        assertThat(c.node("n2").status().repairing()).isTrue();

        // Once n3's answer arrives n2 is at term 2, and n1's term-1 traffic is stale to it.
        c.tickAll(3 * TestCluster.OPTIONS.heartbeatTicks(), between("n1", "n3"));
        assertThat(c.node("n2").term()).isGreaterThanOrEqualTo(2);
        assertThat(c.node("n1").commitIndex()).isEqualTo(committedBefore);
    }

    /**
     * The same hole for reads (thesis §6.4): a heartbeat answer confirms a leader's read round, so a
     * member learning its term back answers no heartbeat either. Otherwise n1, possibly deposed in
     * the term n2 forgot, would confirm a read with n2 alone and could answer it from a stale state.
     */
    @Test
    void aMemberLearningItsTermAnswersNoHeartbeatSoItConfirmsNoReadRound() {
        TestCluster c = n2LostItsHardStateUnderLeaderN1();
        Predicate<Message> n3Unreachable = m -> m.from().equals(NodeId.of("n3")) || m.to().equals(NodeId.of("n3"));
        c.node("n1").readIndex(7);
        c.tickAll(3 * TestCluster.OPTIONS.heartbeatTicks(), n3Unreachable);
        assertThat(c.node("n2").status().repairing()).isTrue();
        java.util.List<ReadState> readStates = new java.util.ArrayList<>();
        for (Ready rd : c.member("n1").readies) readStates.addAll(rd.readStates());
        assertThat(readStates).as("n1 heard only n2, which is still learning its term").isEmpty();

        // Once n3 answers n2's probe, n2 knows its term and answers n1's rounds again.
        c.tickAll(3 * TestCluster.OPTIONS.heartbeatTicks(), m -> false);
        readStates.clear();
        for (Ready rd : c.member("n1").readies) readStates.addAll(rd.readStates());
        assertThat(readStates).containsExactly(new ReadState.Ready(7, c.node("n1").commitIndex()));
    }

    @Test
    void inAGroupOfThreeTheMemberNeedsBothOtherVotersTerms() {
        TestCluster c = n2LostItsHardStateUnderLeaderN1();
        RaftNode n2 = c.node("n2");

        n2.tick();
        java.util.List<Message> probes = c.take(m -> m instanceof TermProbe);
        assertThat(probes).extracting(Message::to).containsExactlyInAnyOrder(NodeId.of("n1"), NodeId.of("n3"));
        long probeId = ((TermProbe) probes.get(0)).probeId();

        n2.step(new TermProbeResponse(NodeId.of("n1"), n2.id(), 1, probeId));
        c.node("n1").propose(cmd("x"));
        c.deliverAll(m -> m instanceof TermProbe);
        assertThat(c.take(m -> true)).noneMatch(m -> m.from().equals(n2.id()) && m instanceof AppendResponse);

        n2.step(new TermProbeResponse(NodeId.of("n3"), n2.id(), 1, probeId));
        c.node("n1").propose(cmd("y"));
        c.tickAll(3, m -> false);
        assertThat(n2.commitIndex()).isEqualTo(c.node("n1").commitIndex());
    }

    @Test
    void anAnswerToAnotherProbeRoundIsNotCounted() {
        TestCluster c = n2LostItsHardStateUnderLeaderN1();
        RaftNode n2 = c.node("n2");
        n2.tick();
        long probeId = probeIdOf(c, n2);

        n2.step(new TermProbeResponse(NodeId.of("n1"), n2.id(), 1, probeId + 1));
        n2.step(new TermProbeResponse(NodeId.of("n3"), n2.id(), 1, probeId + 1));
        c.node("n1").propose(cmd("x"));
        c.deliverAll(m -> m instanceof TermProbe);
        assertThat(c.take(m -> true)).noneMatch(m -> m.from().equals(n2.id()) && m instanceof AppendResponse);
        assertThat(n2.commitIndex()).isLessThan(c.node("n1").commitIndex());
    }

    @Test
    void aHigherTermInAnAnswerIsAdoptedAndAProbesOwnTermChangesNothingAtTheReceiver() {
        TestCluster c = n2LostItsHardStateUnderLeaderN1();
        RaftNode n2 = c.node("n2");
        n2.tick();
        long probeId = probeIdOf(c, n2);
        n2.step(new TermProbeResponse(NodeId.of("n3"), n2.id(), 7, probeId));
        assertThat(n2.term()).isEqualTo(7);

        RaftNode n1 = c.node("n1");
        c.take(m -> true);
        n1.step(new TermProbe(NodeId.of("n3"), n1.id(), 9, 42));
        assertThat(n1.term()).isEqualTo(1);
        assertThat(n1.role()).isEqualTo(Role.LEADER);
        assertThat(c.take(m -> m instanceof TermProbeResponse)).singleElement()
                .isEqualTo(new TermProbeResponse(n1.id(), NodeId.of("n3"), 1, 42));
    }

    @Test
    void aRepairingMemberDoesNotAnswerProbesItsOwnTermMayBeForgotten() {
        TestCluster c = n2LostItsHardStateUnderLeaderN1();
        c.take(m -> true);
        c.node("n2").step(new TermProbe(NodeId.of("n3"), NodeId.of("n2"), 1, 5));
        assertThat(c.take(m -> m instanceof TermProbeResponse)).isEmpty();
    }

    /**
     * A repair ends as soon as the member's commit index reaches the leader's (with an entry of the
     * current term), whichever message brings it there: here a heartbeat, after an append told it
     * the target and another brought the entry without committing it.
     */
    @Test
    void aRepairEndsOnTheHeartbeatThatCommitsItsTarget() {
        TestCluster c = n2LostItsHardStateUnderLeaderN1();
        RaftNode n2 = c.node("n2");
        NodeId n1 = NodeId.of("n1");
        n2.tick();
        long probeId = probeIdOf(c, n2);
        n2.step(new TermProbeResponse(n1, n2.id(), 1, probeId));
        n2.step(new TermProbeResponse(NodeId.of("n3"), n2.id(), 1, probeId));
        long last = n2.lastIndex();
        n2.step(new AppendRequest(n1, n2.id(), 1, last, 1, java.util.List.of(), last + 1));
        n2.step(new AppendRequest(n1, n2.id(), 1, last, 1, java.util.List.of(dev.floe.raft.Entry.command(1, last + 1, cmd("x"))), last));
        assertThat(n2.commitIndex()).isEqualTo(last);
        assertThat(n2.status().repairing()).isTrue();
        n2.step(new dev.floe.raft.message.HeartbeatRequest(n1, n2.id(), 1, last + 1, 0));
        assertThat(n2.commitIndex()).isEqualTo(last + 1);
        assertThat(n2.status().repairing()).as("caught up with the leader's commit index").isFalse();
    }

    /** n1 leads term 1; n2 restarts repairing, its hard state lost (term 1 read off its log, no vote). */
    private static TestCluster n2LostItsHardStateUnderLeaderN1() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        c.elect("n1");
        c.member("n2").hardState.save(new HardState(1, Optional.empty(), true));
        c.restart("n2");
        return c;
    }

    /** Takes the probes {@code prober} has queued and returns their round's id. */
    private static long probeIdOf(TestCluster c, RaftNode prober) {
        return c.take(m -> m instanceof TermProbe && m.from().equals(prober.id())).stream()
                .map(m -> ((TermProbe) m).probeId()).findFirst().orElseThrow();
    }
}
