package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.isolating;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.message.VoteResponse;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Roles, terms and leader election: Raft paper §5.1, §5.2, §5.4.1 and Figure 2. */
class ElectionTest {
    private static final RaftOptions NO_PREVOTE = TestCluster.OPTIONS.withPreVote(false);
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");

    @Test
    void electionTimeoutIsRandomizedWithin_T_to_2T_section5_2() {
        int t = 10;
        for (long seed = 0; seed < 200; seed++) {
            RaftNode n = RaftNode.create(NO_PREVOTE.withElectionTicks(t, 1), N1, ClusterConfig.ofVoters("n1", "n2", "n3"),
                    HardState.INITIAL, new MemoryLogStorage(), 0, new SplittableRandom(seed));
            int ticks = 0;
            while (n.role() == Role.FOLLOWER) {
                n.tick();
                ticks++;
            }
            assertThat(ticks).isBetween(t, 2 * t - 1);
        }
    }

    @Test
    void followerThatHearsNothingBecomesCandidateOfTheNextTermAndVotesForItself_section5_2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        RaftNode n1 = c.node("n1");
        while (n1.role() == Role.FOLLOWER) n1.tick();
        assertThat(n1.role()).isEqualTo(Role.CANDIDATE);
        assertThat(n1.term()).isEqualTo(1);
        Ready rd = n1.ready();
        assertThat(rd.hardState()).contains(new HardState(1, Optional.of(N1)));
        assertThat(rd.messagesAfterPersist()).hasSize(2).allMatch(m -> m instanceof VoteRequest vr && vr.term() == 1 && !vr.preVote());
    }

    @Test
    void candidateWithMajorityOfVotesBecomesLeader_section5_2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        c.elect("n1");
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n2").leader()).contains(N1);
        assertThat(c.node("n3").leader()).contains(N1);
    }

    @Test
    void voteIsDurableBeforeItIsAnswered_Figure2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        RaftNode n2 = c.node("n2");
        n2.step(new VoteRequest(N1, N2, 1, 0, 0, false, false));
        Ready rd = n2.ready();
        // The grant may only leave once the Ready's hard state (which records the vote) is on disk.
        assertThat(rd.hardState()).contains(new HardState(1, Optional.of(N1)));
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.messagesAfterPersist()).containsExactly(new VoteResponse(N2, N1, 1, false, true));
        assertThat(rd.mustPersist()).isTrue();
    }

    @Test
    void aVoteInTheTermAlreadyHeldIsDurableBeforeItIsAnsweredToo_Figure2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        c.preload("n2", 2, List.of()); // n2 holds term 2 and has voted in it for nobody
        RaftNode n2 = c.node("n2");
        c.drain("n2");
        n2.step(new VoteRequest(N1, N2, 2, 0, 0, false, false));
        Ready rd = n2.ready();
        // Only the vote changes, not the term: it must be saved all the same before the grant leaves.
        assertThat(rd.hardState()).contains(new HardState(2, Optional.of(N1)));
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.messagesAfterPersist()).containsExactly(new VoteResponse(N2, N1, 2, false, true));
    }

    @Test
    void candidateDoesNotCountVotesFromAnEarlierTerm_section5_2() {
        TestCluster c = new TestCluster(5, NO_PREVOTE);
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 10 * TestCluster.OPTIONS.electionTicks() && n1.role() != Role.CANDIDATE; i++) n1.tick();
        assertThat(n1.term()).isEqualTo(1);
        c.drain("n1");
        // n2 grants term 1, but its answer is late; n1's election times out and it campaigns in term 2.
        n1.step(new VoteResponse(N2, N1, 1, false, true));
        for (int i = 0; i < 10 * TestCluster.OPTIONS.electionTicks() && n1.term() == 1; i++) n1.tick();
        assertThat(n1.term()).isEqualTo(2);
        n1.step(new VoteResponse(N2, N1, 1, false, true)); // the same grant, delivered twice
        n1.step(new VoteResponse(N3, N1, 2, false, true));
        assertThat(n1.role()).as("self and n3 are 2 of 5 in term 2; n2's grant was for term 1")
                .isEqualTo(Role.CANDIDATE);
        n1.step(new VoteResponse(N2, N1, 2, false, true));
        assertThat(n1.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void atMostOneVotePerTerm_section5_2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        RaftNode n3 = c.node("n3");
        n3.step(new VoteRequest(N1, N3, 1, 0, 0, false, false));
        n3.step(new VoteRequest(N2, N3, 1, 0, 0, false, false));
        // A repeated request from the same candidate is granted again (it may have lost our answer).
        n3.step(new VoteRequest(N1, N3, 1, 0, 0, false, false));
        List<Message> answers = n3.ready().messagesAfterPersist();
        assertThat(answers).containsExactly(
                new VoteResponse(N3, N1, 1, false, true),
                new VoteResponse(N3, N2, 1, false, false),
                new VoteResponse(N3, N1, 1, false, true));
    }

    @Test
    void voteRequiresCandidateLogAtLeastAsUpToDate_lastTermThenLastIndex_section5_4_1() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        c.preload("n3", 2, List.of(Entry.command(1, 1, TestCluster.cmd("a")), Entry.command(2, 2, TestCluster.cmd("b"))));
        RaftNode n3 = c.node("n3");
        // Lower last term, even with a longer log: rejected.
        n3.step(new VoteRequest(N1, N3, 3, 5, 1, false, false));
        // Same last term, shorter log: rejected.
        n3.step(new VoteRequest(N1, N3, 4, 1, 2, false, false));
        // Same last term, same length: granted.
        n3.step(new VoteRequest(N2, N3, 5, 2, 2, false, false));
        List<Message> answers = n3.ready().messagesAfterPersist();
        assertThat(answers).containsExactly(
                new VoteResponse(N3, N1, 3, false, false),
                new VoteResponse(N3, N1, 4, false, false),
                new VoteResponse(N3, N2, 5, false, true));
    }

    @Test
    void higherTermInAnyMessageTurnsLeaderIntoFollowerOfThatTerm_Figure2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        n1.step(new HeartbeatResponse(N2, N1, 7, 0));
        assertThat(n1.role()).isEqualTo(Role.FOLLOWER);
        assertThat(n1.term()).isEqualTo(7);
        assertThat(n1.leader()).isEmpty();
    }

    @Test
    void staleTermMessagesAreRejectedAndTheOldLeaderLearnsTheNewTerm_section5_1() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        // n1 is cut off; n2 becomes leader of a later term.
        c.tickAll(30, isolating("n1"));
        c.inFlight.clear();
        assertThat(c.node("n2").role() == Role.LEADER || c.node("n3").role() == Role.LEADER).isTrue();
        String newLeader = c.node("n2").role() == Role.LEADER ? "n2" : "n3";
        long newTerm = c.node(newLeader).term();
        long newLeaderLast = c.node(newLeader).lastIndex();
        // The deposed leader's append (old term) must change nothing on the new leader's side...
        RaftNode target = c.node(newLeader);
        target.step(new AppendRequest(N1, target.id(), 1, 1, 1, List.of(Entry.command(1, 2, TestCluster.cmd("stale"))), 2));
        assertThat(target.term()).isEqualTo(newTerm);
        assertThat(target.lastIndex()).isEqualTo(newLeaderLast);
        // ...and the answer carries the new term, which makes the old leader step down.
        List<Message> answers = c.take(m -> m.to().equals(N1));
        assertThat(answers).hasSize(1).allMatch(m -> m.term() == newTerm);
        c.node("n1").step(answers.get(0));
        assertThat(c.node("n1").role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.node("n1").term()).isEqualTo(newTerm);
    }

    @Test
    void followerElectionTimerIsResetOnlyByCurrentLeaderOrGrantingAVote_section5_2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        RaftNode n3 = c.node("n3");
        // A vote request we reject (candidate's log is behind) must not reset the timer.
        c.preload("n3", 1, List.of(Entry.command(1, 1, TestCluster.cmd("a"))));
        n3 = c.node("n3");
        int ticks = 0;
        while (n3.role() == Role.FOLLOWER) {
            n3.tick();
            ticks++;
            if (ticks % 3 == 0 && n3.role() == Role.FOLLOWER) {
                n3.step(new VoteRequest(N1, NodeId.of("n3"), n3.term() + 1, 0, 0, false, false));
            }
            if (ticks > 100) break;
        }
        assertThat(n3.role()).as("rejected vote requests must not hold off our election").isEqualTo(Role.CANDIDATE);

        // Heartbeats of the current leader do reset it.
        TestCluster d = new TestCluster(3, NO_PREVOTE);
        RaftNode n2 = d.node("n2");
        for (int i = 0; i < 100; i++) {
            n2.tick();
            n2.step(new HeartbeatRequest(N1, N2, 1, 0, 0));
        }
        assertThat(n2.role()).isEqualTo(Role.FOLLOWER);
        assertThat(n2.leader()).contains(N1);
    }

    @Test
    void splitVoteIsResolvedByRandomizedTimeouts_section5_2() {
        TestCluster c = new TestCluster(5, NO_PREVOTE);
        // Everyone times out repeatedly until someone wins; randomization must end it quickly.
        for (int i = 0; i < 200; i++) {
            c.tickAll(1, m -> false);
            if (c.members.values().stream().anyMatch(m -> m.raft.role() == Role.LEADER)) break;
        }
        assertThat(c.members.values()).filteredOn(m -> m.raft.role() == Role.LEADER).hasSize(1);
    }

    @Test
    void candidateThatHearsFromALeaderOfItsTermReturnsToFollower_section5_2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        RaftNode n3 = c.node("n3");
        while (n3.role() == Role.FOLLOWER) n3.tick();
        long term = n3.term();
        n3.step(new HeartbeatRequest(N2, NodeId.of("n3"), term, 0, 0));
        assertThat(n3.role()).isEqualTo(Role.FOLLOWER);
        assertThat(n3.leader()).contains(N2);
        assertThat(n3.term()).isEqualTo(term);
    }

    @Test
    void everyCampaignStartsFromAnEmptyTally_section5_2() {
        // Five voters. n1's first campaign gets n2's vote only; its second gets n3's only. Two of
        // five each time: n2's vote was for the earlier term and must not count again.
        TestCluster c = new TestCluster(5, NO_PREVOTE);
        RaftNode n1 = c.node("n1");
        while (n1.role() == Role.FOLLOWER) n1.tick();
        c.deliverAll(m -> !(m.from().equals(N1) && m.to().equals(N2) || m.from().equals(N2) && m.to().equals(N1)));
        assertThat(n1.role()).isEqualTo(Role.CANDIDATE);
        long first = n1.term();
        while (n1.term() == first) n1.tick();
        c.deliverAll(m -> !(m.from().equals(N1) && m.to().equals(N3) || m.from().equals(N3) && m.to().equals(N1)));
        assertThat(n1.role()).as("two votes of five in term %d", n1.term()).isEqualTo(Role.CANDIDATE);

        // The same with PreVote: the second pre-vote round counts only its own grants.
        TestCluster d = new TestCluster(5, TestCluster.OPTIONS);
        RaftNode p1 = d.node("n1");
        while (p1.role() == Role.FOLLOWER) p1.tick();
        d.deliverAll(m -> !(m.from().equals(N1) && m.to().equals(N2) || m.from().equals(N2) && m.to().equals(N1)));
        assertThat(p1.role()).isEqualTo(Role.PRE_CANDIDATE);
        for (int i = 0; i < 3 * TestCluster.OPTIONS.electionTicks() && p1.role() == Role.PRE_CANDIDATE; i++) {
            p1.tick();
            d.deliverAll(m -> !(m.from().equals(N1) && m.to().equals(N3) || m.from().equals(N3) && m.to().equals(N1)));
        }
        assertThat(p1.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(p1.term()).as("no election started").isZero();
    }

    @Test
    void aRejectionOfAnEarlierCampaignIsNotCountedInTheNext_section5_2() {
        // Three voters. n2 rejects n1's first campaign; in the second n3 rejects and n2 grants.
        // Counting n2's old rejection would make two of three and lose a campaign n1 wins.
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        RaftNode n1 = c.node("n1");
        while (n1.role() == Role.FOLLOWER) n1.tick();
        c.take(m -> true);
        n1.step(new VoteResponse(N2, N1, n1.term(), false, false));
        assertThat(n1.role()).isEqualTo(Role.CANDIDATE);
        long first = n1.term();
        while (n1.term() == first) n1.tick();
        c.take(m -> true);
        n1.step(new VoteResponse(N3, N1, n1.term(), false, false));
        assertThat(n1.role()).as("one rejection of three in term %d", n1.term()).isEqualTo(Role.CANDIDATE);
        n1.step(new VoteResponse(N2, N1, n1.term(), false, true));
        assertThat(n1.role()).isEqualTo(Role.LEADER);

        // The same for pre-vote rounds: a new round starts from no rejections either.
        TestCluster d = new TestCluster(3, TestCluster.OPTIONS);
        RaftNode p1 = d.node("n1");
        while (p1.role() == Role.FOLLOWER) p1.tick();
        d.take(m -> true);
        p1.step(new VoteResponse(N2, N1, 0, true, false));
        assertThat(p1.role()).isEqualTo(Role.PRE_CANDIDATE);
        while (d.take(m -> m instanceof VoteRequest).isEmpty()) p1.tick(); // the next pre-vote round
        p1.step(new VoteResponse(N3, N1, 0, true, false));
        assertThat(p1.role()).as("one rejection of three in this round").isEqualTo(Role.PRE_CANDIDATE);
        p1.step(new VoteResponse(N2, N1, 1, true, true));
        assertThat(p1.role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void everyCampaignDrawsANewRandomElectionTimeout_section5_2() {
        // Split votes resolve because each candidate waits a new random timeout before it tries
        // again; one drawn once and reused would repeat a split for ever. n1 hears nobody, so each
        // campaign (or pre-vote round) times out and starts the next.
        for (RaftOptions options : List.of(NO_PREVOTE, TestCluster.OPTIONS)) {
            TestCluster c = new TestCluster(3, options);
            RaftNode n1 = c.node("n1");
            java.util.Set<Integer> waits = new java.util.TreeSet<>();
            int ticks = 0;
            boolean started = false;
            for (int total = 0; waits.size() < 3 && total < 50 * options.electionTicks(); total++) {
                n1.tick();
                ticks++;
                if (c.take(m -> m instanceof VoteRequest && m.from().equals(N1)).isEmpty()) continue;
                if (started) {
                    assertThat(ticks).isBetween(options.electionTicks(), 2 * options.electionTicks() - 1);
                    waits.add(ticks);
                }
                started = true;
                ticks = 0;
            }
            assertThat(waits).as("distinct waits between campaigns (pre-vote %s)", options.preVote()).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void leaderWithALiveQuorumDisregardsADisruptiveVoteRequest_thesis4_2_3() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        long term = n1.term();
        n1.step(new VoteRequest(N3, N1, term + 1, n1.lastIndex(), term, false, false));
        assertThat(n1.role()).isEqualTo(Role.LEADER);
        assertThat(n1.term()).isEqualTo(term);
    }

    @Test
    void aPreVoteRequestForTheCurrentTermIsAnsweredLikeAVote_section5_2() {
        // Only a pre-vote for a later term binds nothing; one for our own term meets our vote in it.
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        RaftNode n2 = c.node("n2");
        n2.step(new VoteRequest(N1, N2, 1, 0, 0, false, false));
        c.drain("n2");
        assertThat(c.take(m -> m instanceof VoteResponse v && v.granted())).hasSize(1);
        n2.step(new VoteRequest(N3, N2, 1, 0, 0, true, false));
        c.drain("n2");
        assertThat(c.take(m -> m instanceof VoteResponse)).containsExactly(new VoteResponse(N2, N3, 1, true, false));
    }

    @Test
    void aStaleLeaderOrPreCandidateOrReaderIsToldTheCurrentTerm_Figure2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        RaftNode n2 = c.node("n2");
        n2.step(new VoteRequest(N1, N2, 3, 0, 0, false, false));
        c.drain("n2");
        c.inFlight.clear();
        n2.step(new AppendRequest(N3, N2, 2, 0, 0, List.of(), 0));
        n2.step(new VoteRequest(N3, N2, 2, 0, 0, true, false));
        n2.step(new dev.floe.raft.message.ReadIndexRequest(N3, N2, 2, 9));
        c.drain("n2");
        assertThat(c.take(m -> true)).containsExactlyInAnyOrder(
                new HeartbeatResponse(N2, N3, 3, 0),
                new VoteResponse(N2, N3, 3, true, false),
                new dev.floe.raft.message.ReadIndexResponse(N2, N3, 3, 9, 0, false));
        // A stale real vote request needs no answer: its candidate already left that term's election.
        n2.step(new VoteRequest(N3, N2, 2, 0, 0, false, false));
        c.drain("n2");
        assertThat(c.take(m -> true)).isEmpty();
        assertThat(n2.term()).isEqualTo(3);
    }

    @Test
    void withLeaseReadsARestartedMemberVotesAgainAfterExactlyOneElectionTimeout_thesis6_4_1() {
        RaftOptions lease = TestCluster.OPTIONS.withPreVote(false).withLeaseReads(true);
        TestCluster c = new TestCluster(3, lease);
        RaftNode n2 = c.node("n2");
        for (int i = 0; i < lease.electionTicks() - 1; i++) n2.tick();
        n2.step(new VoteRequest(N1, N2, 5, 0, 0, false, false));
        assertThat(n2.term()).as("still within its first election timeout").isZero();
        n2.tick(); // it may campaign now (term 1): a request of term 5 is heard either way
        n2.step(new VoteRequest(N1, N2, 5, 0, 0, false, false));
        assertThat(n2.term()).isEqualTo(5);
    }
}
