package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A follower whose durable log went backwards (restored from an old copy of its directory, a lost
 * disk tail) must be noticed and repaired by the leader, while late answers to old requests under
 * pipelining must still be ignored (issue 12; etcd/raft's Progress.MaybeDecrTo for the stale case).
 */
class RegressedFollowerTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    /** Cuts {@code id}'s durable log back to {@code lastIndex} and restarts it, as if restored from an old copy. */
    private static void restoreOldCopy(TestCluster c, String id, long lastIndex) {
        TestCluster.Member m = c.member(id);
        Entry keep = m.log.entries(lastIndex, lastIndex + 1, Long.MAX_VALUE).get(0);
        m.log.append(List.of(keep)); // replaces the suffix from lastIndex on
        c.restart(id);
    }

    private static Status.FollowerStatus progressOf(RaftNode leader, NodeId peer) {
        return leader.status().followers().get(peer);
    }

    @Test
    void followerRestoredFromAnOldCopyIsResetAndRepairedByTheLeader() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 5; i++) n1.propose(cmd("before-" + i));
        c.deliverAll();
        c.tickAll(2, m -> false);
        assertThat(progressOf(n1, N2).matchIndex()).isEqualTo(6);

        restoreOldCopy(c, "n2", 2);
        for (int i = 0; i < 3; i++) n1.propose(cmd("after-" + i));
        c.deliverAll();
        c.tickAll(5, m -> false);

        RaftNode n2 = c.node("n2");
        assertThat(n2.lastIndex()).as("n2 got back the entries it lost").isEqualTo(n1.lastIndex()).isEqualTo(9);
        assertThat(n2.commitIndex()).isEqualTo(n1.commitIndex());
        assertThat(c.member("n2").log.entries(1, 10, Long.MAX_VALUE)).isEqualTo(c.member("n1").log.entries(1, 10, Long.MAX_VALUE));
        assertThat(progressOf(n1, N2).matchIndex()).isEqualTo(9);
    }

    @Test
    void idleRegressedFollowerIsRepairedByTheNextWrite() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 4; i++) n1.propose(cmd("x" + i));
        c.deliverAll();
        c.tickAll(2, m -> false);
        restoreOldCopy(c, "n2", 1);
        c.tickAll(3, m -> false);
        n1.propose(cmd("next"));
        c.deliverAll();
        c.tickAll(3, m -> false);
        assertThat(c.node("n2").lastIndex()).isEqualTo(6);
        assertThat(c.node("n2").commitIndex()).isEqualTo(6);
    }

    @Test
    void regressedFollowerBehindTheLeadersSnapshotIsRepairedWithASnapshot() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 6; i++) n1.propose(cmd("x" + i));
        c.deliverAll();
        c.tickAll(2, m -> false);
        c.member("n1").log.compact(5);
        restoreOldCopy(c, "n2", 2);
        n1.propose(cmd("y"));
        c.deliverAll();
        c.tickAll(3, m -> false);
        assertThat(c.member("n1").readies).anyMatch(rd -> rd.snapshotTransfers().contains(N2));
    }

    @Test
    void lateRejectionOfAnOldPipelinedRequestIsIgnored() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.tickAll(2, m -> false);
        RaftNode n1 = c.node("n1");
        RaftNode n2 = c.node("n2");
        n1.propose(cmd("a"));
        AppendRequest first = onlyAppendTo(c.take(m -> m instanceof AppendRequest a && a.to().equals(N2)));
        n1.propose(cmd("b"));
        AppendRequest second = onlyAppendTo(c.take(m -> m instanceof AppendRequest a && a.to().equals(N2)));
        assertThat(second.prevLogIndex()).as("pipelined: sent before the first was answered").isEqualTo(2);
        // The network reorders: n2 sees the second request first and rejects it, then accepts the first.
        n2.step(second);
        AppendResponse rejection = (AppendResponse) c.take(m -> m instanceof AppendResponse && m.to().equals(N1)).get(0);
        assertThat(rejection.success()).isFalse();
        n2.step(first);
        AppendResponse ack = (AppendResponse) c.take(m -> m instanceof AppendResponse && m.to().equals(N1)).get(0);
        n1.step(ack);
        assertThat(progressOf(n1, N2).matchIndex()).isEqualTo(2);
        // The stale rejection says n2's log ends at 1, below the match it has since acknowledged.
        n1.step(rejection);
        assertThat(progressOf(n1, N2).matchIndex()).as("a late answer to an old request changes nothing").isEqualTo(2);
        assertThat(progressOf(n1, N2).state()).isEqualTo("REPLICATE");
    }

    @Test
    void freshRejectionBelowMatchResetsTheProgressEvenInReplicateState() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("a"));
        c.deliverAll();
        c.tickAll(2, m -> false); // heartbeats after the acknowledgement of 2
        assertThat(progressOf(n1, N2).state()).isEqualTo("REPLICATE");
        long round = c.member("n2").readies.stream().flatMap(rd -> rd.messages().stream())
                .filter(m -> m instanceof dev.floe.raft.message.HeartbeatResponse).mapToLong(m ->
                        ((dev.floe.raft.message.HeartbeatResponse) m).readContext()).max().orElseThrow();
        n1.step(AppendResponse.rejected(N2, N1, n1.term(), 2, 2, 0, round));
        assertThat(progressOf(n1, N2).matchIndex()).isZero();
        assertThat(progressOf(n1, N2).state()).isEqualTo("PROBE");
        List<Message> repair = c.take(m -> m instanceof AppendRequest a && a.to().equals(N2));
        assertThat(repair).singleElement().satisfies(m -> assertThat(((AppendRequest) m).prevLogIndex()).isEqualTo(1));
    }

    @Test
    void aRejectionCarryingTheFirstRoundSentAfterTheAcknowledgementIsFresh() {
        // The boundary of the rule above: the first heartbeat round the leader sent after it recorded
        // match 2 is already proof that the rejection was written after n2 had acknowledged 2.
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("a"));
        c.deliverAll();
        assertThat(progressOf(n1, N2).matchIndex()).isEqualTo(2);
        int before = c.member("n2").readies.size();
        c.tickAll(2, m -> false);
        long firstRoundAfter = c.member("n2").readies.subList(before, c.member("n2").readies.size()).stream()
                .flatMap(rd -> rd.messages().stream())
                .filter(m -> m instanceof dev.floe.raft.message.HeartbeatResponse).mapToLong(m ->
                        ((dev.floe.raft.message.HeartbeatResponse) m).readContext()).min().orElseThrow();
        n1.step(AppendResponse.rejected(N2, N1, n1.term(), 2, 2, 0, firstRoundAfter));
        assertThat(progressOf(n1, N2).matchIndex()).isZero();
        assertThat(progressOf(n1, N2).state()).isEqualTo("PROBE");
    }

    /**
     * The simulation's false "lost entries" reports: a follower that campaigned and lost kept the
     * heartbeat round it had heard from the old leader, so its late rejections to the new leader of
     * the same term carried a round the new leader had not even sent yet.
     */
    @Test
    void roundsHeardFromAnEarlierLeaderDoNotMakeALateRejectionLookFresh() {
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withPreVote(false).withCheckQuorum(false));
        c.elect("n1");
        c.tickAll(10, m -> false); // n3 hears many heartbeat rounds of n1 in term 1
        // n3 times out and campaigns for term 2, but nobody hears it; n2 wins term 2 with n1's vote.
        RaftNode n3 = c.node("n3");
        NodeId n3Id = NodeId.of("n3");
        for (int i = 0; i < 10 * TestCluster.OPTIONS.electionTicks() && n3.role() != Role.CANDIDATE; i++) n3.tick();
        c.take(m -> m.from().equals(n3Id));
        for (int i = 0; i < 2 * TestCluster.OPTIONS.electionTicks(); i++) { // n1's lease runs out unheard
            c.node("n1").tick();
            c.take(m -> m.from().equals(N1));
        }
        RaftNode n2 = c.node("n2");
        for (int i = 0; i < 10 * TestCluster.OPTIONS.electionTicks() && n2.role() != Role.CANDIDATE; i++) n2.tick();
        c.deliverAll(); // n2 wins; its appends make candidate n3 its follower in the same term
        assertThat(n2.role()).isEqualTo(Role.LEADER);
        assertThat(n3.leader()).contains(N2);
        assertThat(n3.term()).as("n3 joined n2 in the term it campaigned for").isEqualTo(n2.term());
        assertThat(progressOf(n2, n3Id).state()).isEqualTo("REPLICATE");

        // As in the pipelined case above: n3 rejects n2's second request before it gets the first.
        n2.propose(cmd("a"));
        AppendRequest first = onlyAppendTo(c.take(m -> m instanceof AppendRequest a && a.to().equals(n3Id)));
        n2.propose(cmd("b"));
        AppendRequest second = onlyAppendTo(c.take(m -> m instanceof AppendRequest a && a.to().equals(n3Id)));
        n3.step(second);
        AppendResponse rejection = (AppendResponse) c.take(m -> m instanceof AppendResponse && m.to().equals(N2)).get(0);
        n3.step(first);
        n2.step((AppendResponse) c.take(m -> m instanceof AppendResponse && m.to().equals(N2)).get(0));
        long match = progressOf(n2, n3Id).matchIndex();
        assertThat(match).isEqualTo(first.prevLogIndex() + 1);
        n2.step(rejection);
        assertThat(progressOf(n2, n3Id).matchIndex()).as("a late answer to an old request changes nothing").isEqualTo(match);
        assertThat(progressOf(n2, n3Id).state()).isEqualTo("REPLICATE");
        assertThat(rejection.heardRound()).as("n3 has heard no heartbeat round of n2 yet").isZero();
    }

    private static AppendRequest onlyAppendTo(List<Message> msgs) {
        assertThat(msgs).hasSize(1);
        return (AppendRequest) msgs.get(0);
    }
}
