package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.HeartbeatRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Proposal answers, backpressure, and the durability rules of the ordering contract (thesis §10.2.1). */
class ProposalAndDurabilityTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");

    @Test
    void everyProposalIsAcceptedAtAnIndexOrRejectedWithAReason() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        ProposeResult onLeader = c.node("n1").propose(cmd("a"));
        assertThat(onLeader).isEqualTo(new ProposeResult.Accepted(2, c.node("n1").term()));
        ProposeResult onFollower = c.node("n2").propose(cmd("b"));
        assertThat(onFollower).isEqualTo(new ProposeResult.Rejected(ProposeResult.Reason.NOT_LEADER, Optional.of(N1)));
        ProposeResult nobodyKnown = new TestCluster(3).node("n2").propose(cmd("c"));
        assertThat(nobodyKnown).isEqualTo(new ProposeResult.Rejected(ProposeResult.Reason.NOT_LEADER, Optional.empty()));
    }

    @Test
    void tooManyUncommittedBytesRejectsProposalsWithBackpressure() {
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withMaxUncommittedBytes(1000));
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        Bytes big = Bytes.wrap(new byte[300]);
        int accepted = 0;
        ProposeResult last = null;
        for (int i = 0; i < 10; i++) {
            last = n1.propose(big);
            if (last instanceof ProposeResult.Accepted) accepted++;
            else break;
        }
        assertThat(accepted).isEqualTo(3);
        assertThat(last).isEqualTo(new ProposeResult.Rejected(ProposeResult.Reason.BACKPRESSURE, Optional.of(N1)));
        // Once they commit, there is room again.
        c.deliverAll();
        assertThat(n1.propose(big)).isInstanceOf(ProposeResult.Accepted.class);
    }

    @Test
    void leaderSendsAppendsBeforeItsOwnWriteIsDurable_thesis10_2_1() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("fast"));
        Ready rd = n1.ready();
        assertThat(rd.entries()).hasSize(1);
        assertThat(rd.messages()).filteredOn(m -> m instanceof AppendRequest).hasSize(2);
    }

    @Test
    void leaderCountsItselfTowardTheMajorityOnlyOnceDurable_thesis10_2_1() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("x"));
        Ready rd = n1.ready(); // entry 2 handed out for writing, not yet durable
        n1.step(AppendResponse.accepted(N2, N1, n1.term(), 2));
        assertThat(n1.commitIndex()).as("n2 alone plus a leader whose copy is not durable").isEqualTo(1);
        c.member("n1").log.append(rd.entries());
        n1.persisted(2, n1.term());
        assertThat(n1.commitIndex()).isEqualTo(2);
    }

    @Test
    void followersAloneCanCommitWhileTheLeaderIsStillWriting_thesis10_2_1() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("y"));
        Ready rd = n1.ready();
        n1.step(AppendResponse.accepted(N2, N1, n1.term(), 2));
        n1.step(AppendResponse.accepted(N3, N1, n1.term(), 2));
        assertThat(n1.commitIndex()).isEqualTo(2);
        // ...but the leader applies only what is durable on its own disk.
        assertThat(n1.ready().committedEntries()).isEmpty();
        c.member("n1").log.append(rd.entries());
        n1.persisted(2, n1.term());
        assertThat(n1.ready().committedEntries()).extracting(Entry::index).containsExactly(2L);
    }

    /**
     * When a durability report must reach the node at once (a runtime may otherwise leave it queued
     * for the next pass): a leader's own write matters once another voter holds entries beyond the
     * commit index (it then completes the majority), and on every member once committed entries
     * wait for it to be applied; a follower whose committed entries are all durable does not need it.
     */
    @Test
    void aDurabilityReportIsAwaitedOnlyWhenItCanCommitOrApply_thesis10_2_1() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("z"));
        Ready rd = n1.ready();
        assertThat(n1.awaitsDurability()).as("no follower has entry 2 yet: the leader's write alone commits nothing").isFalse();
        n1.step(AppendResponse.accepted(N2, N1, n1.term(), 2));
        assertThat(n1.commitIndex()).isEqualTo(1);
        assertThat(n1.awaitsDurability()).as("n2 holds entry 2: the leader's write completes the majority").isTrue();
        c.member("n1").log.append(rd.entries());
        n1.persisted(2, n1.term());
        assertThat(n1.commitIndex()).isEqualTo(2);
        n1.ready();
        assertThat(n1.awaitsDurability()).isFalse();

    }

    /** The follower's side of the rule above: its report is awaited only while committed entries wait for it. */
    @Test
    void aFollowersDurabilityReportIsAwaitedOnlyWhileCommittedEntriesWaitForIt() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        RaftNode n2 = c.node("n2");
        n1.propose(cmd("w"));
        List<dev.floe.raft.message.Message> toN2 = c.take(m -> m instanceof AppendRequest && m.to().equals(N2));
        assertThat(toN2).hasSize(1);
        n2.step(toN2.get(0));
        Ready onFollower = n2.ready();
        assertThat(onFollower.entries()).extracting(Entry::index).containsExactly(2L);
        assertThat(n2.awaitsDurability()).as("entry 2 is not committed: n2's report can wait").isFalse();
        n2.step(new HeartbeatRequest(N1, N2, n1.term(), 2, 0)); // the leader committed 2 with n3
        assertThat(n2.awaitsDurability()).as("entry 2 committed, not durable on n2: it waits to be applied").isTrue();
        c.member("n2").log.append(onFollower.entries());
        n2.persisted(2, n1.term());
        assertThat(n2.awaitsDurability()).isFalse();
    }

    /** A single voter's own write is its majority: its report is always awaited (thesis §10.2.1). */
    @Test
    void aSingleVotersDurabilityReportIsAlwaysAwaited() {
        TestCluster c = new TestCluster(1);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("solo"));
        n1.ready();
        assertThat(n1.awaitsDurability()).isTrue();
    }

    @Test
    void staleDurabilityAcknowledgementFromAnOverwrittenWriteIsIgnored_ABA() {
        TestCluster c = new TestCluster(3);
        RaftNode n2 = c.node("n2");
        // Term-1 leader sends entries 1..2; n2 hands them out for writing...
        n2.step(new AppendRequest(N1, N2, 1, 0, 0, List.of(Entry.command(1, 1, cmd("a")), Entry.command(1, 2, cmd("b"))), 0));
        Ready first = n2.ready();
        assertThat(first.entries()).hasSize(2);
        // ...before they are durable, a term-2 leader overwrites index 2.
        n2.step(new AppendRequest(N3, N2, 2, 1, 1, List.of(Entry.command(2, 2, cmd("B"))), 0));
        Ready second = n2.ready();
        assertThat(second.entries()).extracting(Entry::term).containsExactly(2L);
        // The first write's late acknowledgement (2, term 1) must not mark the new entry 2 durable.
        n2.persisted(2, 1);
        assertThat(n2.status().durableIndex()).isZero();
        n2.persisted(2, 2);
        assertThat(n2.status().durableIndex()).isEqualTo(2);
    }

    @Test
    void followerAcknowledgesEntriesOnlyAfterTheyAreDurable() {
        TestCluster c = new TestCluster(3);
        RaftNode n2 = c.node("n2");
        n2.step(new AppendRequest(N1, N2, 1, 0, 0, List.of(Entry.command(1, 1, cmd("a"))), 0));
        Ready rd = n2.ready();
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.messagesAfterPersist()).containsExactly(AppendResponse.accepted(N2, N1, 1, 1));
    }

    @Test
    void committedEntriesAreHandedOutOnlyOnceDurableLocally() {
        TestCluster c = new TestCluster(3);
        RaftNode n2 = c.node("n2");
        n2.step(new AppendRequest(N1, N2, 1, 0, 0, List.of(Entry.command(1, 1, cmd("a"))), 1));
        Ready rd = n2.ready();
        assertThat(n2.commitIndex()).isEqualTo(1);
        assertThat(rd.committedEntries()).isEmpty();
        c.member("n2").log.append(rd.entries());
        n2.persisted(1, 1);
        assertThat(n2.ready().committedEntries()).extracting(Entry::index).containsExactly(1L);
    }

    @Test
    void limitApplyBoundsTheCommittedEntriesHandedOutWithoutSlowingCommitment() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n2 = c.node("n2");
        n2.limitApply(3);
        for (int i = 0; i < 10; i++) c.node("n1").propose(cmd("x" + i));
        c.deliverAll();
        assertThat(n2.commitIndex()).isEqualTo(11);
        assertThat(c.member("n2").applied).extracting(Entry::index).containsExactly(1L, 2L, 3L);
        n2.limitApply(8);
        c.drain("n2");
        assertThat(c.member("n2").applied).hasSize(8);
        n2.limitApply(Long.MAX_VALUE);
        c.drain("n2");
        assertThat(c.member("n2").applied).extracting(Entry::index).endsWith(11L);
    }

    @Test
    void messagesEntriesAndReadiesPrintReadably() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.node("n1").propose(cmd("hello"));
        Ready rd = c.node("n1").ready();
        assertThat(rd.toString()).contains("persist=2..2").contains("AppendReq n1->n2 t1 prev=1@1 [2@1:\"hello\"(5B)] commit=1");
        assertThat(AppendResponse.rejected(N2, N1, 3, 7, 4, 2).toString()).isEqualTo("AppendResp n2->n1 t3 reject@7 hint=4@2");
    }

    @Test
    void aReadyThatRaisesTheTermHoldsEveryMessageUntilItIsDurableAndSendsEachOnce_Figure2() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.deliverAll();
        RaftNode n2 = c.node("n2");
        n2.readIndex(5); // a ReadIndexRequest to n1, queued to send at once
        long last = n2.lastIndex();
        // Before that Ready is taken, a leader of a newer term appends: n2 must save that term first.
        n2.step(new AppendRequest(NodeId.of("n3"), NodeId.of("n2"), n2.term() + 1, last, c.member("n2").log.term(last), List.of(), 0));
        Ready rd = n2.ready();
        assertThat(rd.hardState()).isPresent();
        assertThat(rd.messages()).as("nothing leaves before the new term is durable").isEmpty();
        assertThat(rd.messagesAfterPersist()).hasSize(2).doesNotHaveDuplicates()
                .anyMatch(m -> m instanceof dev.floe.raft.message.ReadIndexRequest)
                .anyMatch(m -> m instanceof AppendResponse r && r.success());
    }

    @Test
    void backpressureAdmitsProposalsUpToTheByteLimitExactlyAndOneOfAnySizeWhenNothingIsPending() {
        long entry = 1 + Entry.OVERHEAD_BYTES; // a one-byte command as the limit counts it
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withMaxUncommittedBytes(2 * entry));
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        assertThat(n1.propose(cmd("a"))).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(n1.propose(cmd("b"))).as("exactly at the limit").isInstanceOf(ProposeResult.Accepted.class);
        assertThat(n1.propose(cmd("c"))).isEqualTo(new ProposeResult.Rejected(ProposeResult.Reason.BACKPRESSURE, Optional.of(N1)));
        c.deliverAll();
        // Nothing pending: one proposal larger than the whole limit still goes, so progress is possible.
        assertThat(n1.propose(Bytes.wrap(new byte[(int) (10 * entry)]))).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(n1.propose(cmd("d"))).isInstanceOf(ProposeResult.Rejected.class);
    }
}
