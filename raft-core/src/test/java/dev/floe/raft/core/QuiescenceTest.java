package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static dev.floe.raft.core.TestCluster.isolating;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.message.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Quiescence (CockroachDB's): an idle, caught-up group stops ticking and heartbeating, and wakes
 * safely. Each test breaks when its rule alone is broken; the rules are documented on
 * {@link RaftNode#peerSuspected}, {@code RaftNode.wake} and {@code RaftNode.onQuiesceRequest}.
 */
class QuiescenceTest {
    private static final int IDLE_TICKS = 3;
    private static final RaftOptions QUIET = TestCluster.OPTIONS.withQuiesceTicks(IDLE_TICKS);
    private static final int T = QUIET.electionTicks();
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");

    private static TestCluster elected(RaftOptions options) {
        TestCluster c = new TestCluster(3, options);
        if (options.leaseReads()) {
            // With lease reads, members refuse votes for their first election timeout (ReadIndexTest).
            for (int i = 0; i < options.electionTicks(); i++) {
                c.node("n2").tick();
                c.node("n3").tick();
            }
        }
        c.elect("n1");
        return c;
    }

    private static boolean allQuiet(TestCluster c) {
        return c.members.values().stream().allMatch(m -> m.raft.isQuiesced());
    }

    /** Ticks everyone (dropping {@code drop}) until every member is quiesced; fails after many election timeouts. */
    private static void tickUntilQuiet(TestCluster c, Predicate<Message> drop) {
        for (int i = 0; i < 20 * T && !allQuiet(c); i++) c.tickAll(1, drop);
        assertThat(allQuiet(c)).as("every member quiesced: %s", c.members.values().stream().map(m -> m.raft.toString()).toList()).isTrue();
    }

    private static void tickUntilQuiet(TestCluster c) {
        tickUntilQuiet(c, m -> false);
    }

    private static List<ReadState> readStates(TestCluster c, String id) {
        List<ReadState> out = new ArrayList<>();
        for (Ready rd : c.member(id).readies) out.addAll(rd.readStates());
        return out;
    }

    @Test
    void idleCaughtUpGroupQuiescesThenSendsNothingAndNobodyCampaigns() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        long term = c.node("n1").term();
        int delivered = 0;
        for (int t = 0; t < 100 * T; t++) {
            for (TestCluster.Member m : c.members.values()) m.raft.tick();
            delivered += c.deliverAll();
        }
        assertThat(delivered).as("no heartbeat, no vote request in 100 election timeouts").isZero();
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n2").term()).isEqualTo(term);
        assertThat(c.node("n3").term()).isEqualTo(term);
    }

    @Test
    void answersAndStaleMessagesLeaveAQuiescedMemberAsleep() {
        // Nothing in them asks for work: a late answer to a round it already counted, a stale
        // term's message (answered with our term, which needs no ticking), an unsolicited probe answer.
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        RaftNode n1 = c.node("n1");
        RaftNode n2 = c.node("n2");
        long term = n1.term();
        n1.step(new dev.floe.raft.message.HeartbeatResponse(N2, N1, term, 1));
        n1.step(new VoteResponse(N3, N1, term, false, false));
        n1.step(dev.floe.raft.message.AppendResponse.accepted(N2, N1, term, n1.lastIndex()));
        n2.step(new AppendRequest(N3, N2, term - 1, 0, 0, List.of(), 0));
        n2.step(new HeartbeatRequest(N3, N2, term - 1, 0, 0));
        n2.step(new dev.floe.raft.message.TermProbeResponse(N3, N2, term + 3, 1));
        assertThat(n1.isQuiesced()).isTrue();
        assertThat(n2.isQuiesced()).isTrue();
        assertThat(n2.term()).isEqualTo(term);

        // A refused append is news: the follower's log is not where the leader thought.
        n1.step(dev.floe.raft.message.AppendResponse.rejected(N2, N1, term, n1.lastIndex(), n1.lastIndex(), 0));
        assertThat(n1.isQuiesced()).isFalse();
    }

    @Test
    void aVoteRequestOfAMemberOutsideTheConfigurationLeavesAQuiescedFollowerAsleep_thesis4_2_3() {
        // A removed member still campaigning with its old configuration: its requests reach the
        // followers but never the sleeping leader, so a follower woken by them would time out alone.
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        RaftNode n2 = c.node("n2");
        long term = n2.term();
        n2.step(new VoteRequest(NodeId.of("n9"), N2, term + 1, n2.lastIndex(), term, true, false));
        assertThat(n2.isQuiesced()).isTrue();
        assertThat(n2.term()).isEqualTo(term);
        // A voter's request still wakes it (the voter may not hear the leader any more).
        n2.step(new VoteRequest(N3, N2, term + 1, n2.lastIndex(), term, true, false));
        assertThat(n2.isQuiesced()).isFalse();
    }

    @Test
    void quiescenceIsOffByDefault() {
        assertThat(RaftOptions.DEFAULTS.quiesceTicks()).isZero();
        TestCluster c = elected(TestCluster.OPTIONS);
        c.tickAll(10 * T, m -> false);
        assertThat(c.members.values()).noneMatch(m -> m.raft.isQuiesced());
    }

    @Test
    void leaderDoesNotQuiesceWhileAFollowerLagsBehindItsLastIndex() {
        TestCluster c = elected(QUIET);
        // n3 answers heartbeats but never gets the new entry: it is alive, not caught up.
        Predicate<Message> appendsToN3 = m -> m instanceof AppendRequest && m.to().equals(N3);
        c.node("n1").propose(cmd("w"));
        c.deliverAll(appendsToN3);
        c.tickAll(5 * T, appendsToN3);
        assertThat(c.node("n1").commitIndex()).as("committed by n1 and n2").isEqualTo(c.node("n1").lastIndex());
        assertThat(c.node("n1").isQuiesced()).isFalse();
        // Once n3 catches up, the group goes quiet.
        tickUntilQuiet(c);
        assertThat(c.node("n3").lastIndex()).isEqualTo(c.node("n1").lastIndex());
    }

    /** Ticks only the leader, delivering everything after each tick but {@code drop}; returns, per tick, whether it sent a heartbeat. */
    private static List<Boolean> tickLeader(TestCluster c, int ticks, Predicate<Message> drop) {
        List<Boolean> heartbeats = new ArrayList<>();
        for (int t = 0; t < ticks; t++) {
            int before = c.member("n1").readies.size();
            c.node("n1").tick();
            c.deliverAll(drop);
            List<Ready> readies = c.member("n1").readies;
            boolean sent = readies.subList(before, readies.size()).stream()
                    .anyMatch(rd -> rd.messages().stream().anyMatch(m -> m instanceof HeartbeatRequest));
            heartbeats.add(sent);
        }
        return heartbeats;
    }

    @Test
    void theLeaderQuiescesOnTheTickAfterItsQuiesceTicksOfIdleness() {
        TestCluster c = elected(QUIET);
        c.deliverAll(); // every member caught up and answering from here on
        int ticks = 0;
        while (!c.node("n1").isQuiesced() && ticks < 10 * T) {
            tickLeader(c, 1, m -> false);
            ticks++;
        }
        assertThat(ticks).as("idle ticks counted before the quiesce request").isEqualTo(IDLE_TICKS + 1);
    }

    /**
     * After its idle ticks the leader holds its heartbeats until every member answered its last
     * round, so that none arrives after the quiesce request; a member that never answers ends the
     * hold after half the election timeout left after a heartbeat period, well before a follower's
     * election timer could run out, and the count starts over: heartbeats resume, no quiescence.
     */
    @Test
    void aLeaderHoldsItsHeartbeatsForAMemberThatDoesNotAnswerOnlyBrieflyThenResumesThem() {
        TestCluster c = elected(QUIET);
        c.deliverAll();
        Predicate<Message> n3Silent = m -> m.from().equals(N3) && m instanceof dev.floe.raft.message.HeartbeatResponse;
        List<Boolean> sent = tickLeader(c, 6 * T, n3Silent);
        int hold = Math.max(1, (T - QUIET.heartbeatTicks()) / 2);
        int longestGap = 0;
        int gap = 0;
        for (boolean s : sent) {
            gap = s ? 0 : gap + 1;
            longestGap = Math.max(longestGap, gap);
        }
        assertThat(c.node("n1").isQuiesced()).isFalse();
        assertThat(longestGap).as("heartbeats held, then resumed: %s", sent).isEqualTo(hold);
        assertThat(sent.subList(0, IDLE_TICKS)).as("heartbeats go out as usual before the idle ticks are counted").doesNotContain(false);
        assertThat(sent.subList(IDLE_TICKS, IDLE_TICKS + hold)).as("then they are held").containsOnly(false);
        assertThat(sent.get(IDLE_TICKS + hold)).as("and resume when the hold ends").isTrue();
        // The count starts over: the same cycle (idle ticks, hold, one heartbeat) again and again.
        int period = IDLE_TICKS + hold + 1;
        for (int t = 0; t < sent.size(); t++) {
            int phase = t % period;
            assertThat(sent.get(t)).as("tick %d of %s", t, sent).isEqualTo(phase < IDLE_TICKS || phase == IDLE_TICKS + hold);
        }
    }

    @Test
    void leaderDoesNotQuiesceWhileAMemberIsSilent() {
        TestCluster c = elected(QUIET);
        // n3 holds the whole log (match = last) but answers nothing any more.
        c.tickAll(5 * T, isolating("n3"));
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n1").isQuiesced()).isFalse();
    }

    @Test
    void leaderDoesNotQuiesceDuringALeadershipTransfer() {
        TestCluster c = elected(QUIET);
        c.deliverAll();
        // The target never hears TimeoutNow: the transfer stays in progress for an election timeout.
        c.node("n1").transferLeadership(N2);
        Predicate<Message> timeoutNow = m -> m instanceof dev.floe.raft.message.TimeoutNow;
        c.tickAll(T - 1, timeoutNow);
        assertThat(c.node("n1").transferTarget()).contains(N2);
        assertThat(c.node("n1").isQuiesced()).isFalse();
    }

    /** n2 follows n1 in n1's term, with everything committed: the setting of the request tests. */
    private static TestCluster followerReadyToQuiesce() {
        TestCluster c = elected(QUIET);
        c.tickAll(1, m -> false);
        assertThat(c.node("n2").commitIndex()).isEqualTo(c.node("n1").lastIndex());
        assertThat(c.node("n2").isQuiesced()).isFalse();
        return c;
    }

    private static AppendRequest quiesceRequest(TestCluster c, NodeId from, long term, long index) {
        RaftNode n2 = c.node("n2");
        return new AppendRequest(from, N2, term, index, c.member("n2").log.term(index), List.of(), index, true);
    }

    @Test
    void followerQuiescesOnAMatchingRequestOfItsCurrentLeader() {
        TestCluster c = followerReadyToQuiesce();
        RaftNode n2 = c.node("n2");
        n2.step(quiesceRequest(c, N1, n2.term(), n2.lastIndex()));
        assertThat(n2.isQuiesced()).isTrue();
    }

    @Test
    void followerIgnoresAQuiesceRequestOfAnotherMemberInItsTerm() {
        TestCluster c = followerReadyToQuiesce();
        RaftNode n2 = c.node("n2");
        n2.step(quiesceRequest(c, N3, n2.term(), n2.lastIndex()));
        assertThat(n2.isQuiesced()).isFalse();
    }

    @Test
    void followerIgnoresAQuiesceRequestOfAStaleTerm() {
        TestCluster c = followerReadyToQuiesce();
        RaftNode n2 = c.node("n2");
        n2.step(quiesceRequest(c, N1, n2.term() - 1, n2.lastIndex()));
        assertThat(n2.isQuiesced()).isFalse();
    }

    @Test
    void followerDoesNotQuiesceOnTheFirstMessageOfANewTermsLeader() {
        TestCluster c = followerReadyToQuiesce();
        RaftNode n2 = c.node("n2");
        long term = n2.term();
        n2.step(quiesceRequest(c, N3, term + 1, n2.lastIndex()));
        assertThat(n2.term()).isEqualTo(term + 1);
        assertThat(n2.leader()).contains(N3);
        assertThat(n2.isQuiesced()).as("it did not follow n3 in this term before the request").isFalse();
    }

    /**
     * Full-runtime simulation seed 169131 (one voter, two learners, quiescence): a learner that
     * restarted after its group went quiet knew no leader, never campaigns, and so stayed behind the
     * commit index until the next write. Now it asks the voters for their term, which wakes the leader.
     */
    @Test
    void aLearnerThatRestartsWhileItsGroupIsQuietCatchesUpWithoutAWrite() {
        TestCluster c = new TestCluster(new dev.floe.raft.ClusterConfig(new java.util.TreeSet<>(List.of(N1)), new java.util.TreeSet<>(),
                new java.util.TreeSet<>(List.of(N2))), QUIET, "n1", "n2");
        c.elect("n1");
        c.node("n1").propose(cmd("x"));
        tickUntilQuiet(c);
        long committed = c.node("n1").commitIndex();
        c.restart("n2");
        assertThat(c.node("n2").commitIndex()).isLessThan(committed);
        c.tickAll(3 * T, m -> false);
        assertThat(c.node("n2").commitIndex()).isEqualTo(committed);
        assertThat(c.node("n2").leader()).contains(N1);
    }

    @Test
    void aFollowerWithQuiescenceOffIgnoresAQuiesceRequest() {
        // A leader configured to quiesce beside a follower that is not (options differ during a rolling change).
        TestCluster c = elected(TestCluster.OPTIONS);
        c.tickAll(1, m -> false);
        RaftNode n2 = c.node("n2");
        n2.step(quiesceRequest(c, N1, n2.term(), n2.lastIndex()));
        assertThat(n2.isQuiesced()).isFalse();
    }

    @Test
    void aQuiesceRequestThatDoesNotMatchWakesAQuiescedFollower() {
        TestCluster c = followerReadyToQuiesce();
        RaftNode n2 = c.node("n2");
        n2.step(quiesceRequest(c, N1, n2.term(), n2.lastIndex()));
        assertThat(n2.isQuiesced()).isTrue();
        // The leader woke, appended and went quiet again; its new quiesce request overtook the entry.
        long ahead = n2.lastIndex() + 1;
        n2.step(new AppendRequest(N1, N2, n2.term(), ahead, n2.term(), List.of(), ahead, true));
        assertThat(n2.isQuiesced()).as("its log does not end where the leader's does: it must catch up awake").isFalse();
    }

    @Test
    void followerDoesNotQuiesceWhenTheRequestDoesNotEndWhereItsLogEnds() {
        TestCluster c = followerReadyToQuiesce();
        RaftNode n2 = c.node("n2");
        n2.step(quiesceRequest(c, N1, n2.term(), n2.lastIndex() - 1));
        assertThat(n2.isQuiesced()).as("its log is longer than the leader's last index in the request").isFalse();
    }

    @Test
    void proposalAtTheLeaderWakesTheGroupAndItQuiescesAgainAfterwards() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        long index = c.node("n1").lastIndex() + 1;
        c.node("n1").propose(cmd("w"));
        assertThat(c.node("n1").isQuiesced()).isFalse();
        c.deliverAll();
        assertThat(c.node("n2").isQuiesced()).isFalse();
        assertThat(c.node("n1").commitIndex()).isEqualTo(index);
        c.tickAll(1, m -> false); // the follower whose acknowledgement came second learns the commit from a heartbeat
        assertThat(c.member("n3").applied).anyMatch(e -> e.index() == index);
        tickUntilQuiet(c);
    }

    @Test
    void readAtAFollowerWakesItAndItsLeaderAndIsAnswered() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        c.node("n2").readIndex(7);
        assertThat(c.node("n2").isQuiesced()).isFalse();
        c.deliverAll();
        assertThat(c.node("n1").isQuiesced()).as("the forwarded read woke the leader").isFalse();
        assertThat(readStates(c, "n2")).containsExactly(new ReadState.Ready(7, c.node("n1").commitIndex()));
    }

    @Test
    void messageOfAHigherTermWakesAQuiescedFollower() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        RaftNode n2 = c.node("n2");
        n2.step(new HeartbeatRequest(N3, N2, n2.term() + 1, 0, 0));
        assertThat(n2.isQuiesced()).isFalse();
        assertThat(n2.leader()).contains(N3);
    }

    /**
     * The rule for a quiesced follower's vote (thesis §4.2.3 with quiescence): it cannot tell a quiet
     * leader from a dead one, so it answers as one that heard its leader just now — no (pre-)vote for
     * another — and gives the leader a full election timeout from waking to be heard. The candidate's
     * request wakes the leader, which announces itself at once: a member that timed out by mistake
     * (it missed the quiesce request, or restarted) costs one wake-up, not a change of leader.
     */
    @Test
    void candidateWakesAQuiescedGroupButCannotDeposeItsLiveLeader() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        RaftNode n1 = c.node("n1");
        long term = n1.term();
        VoteRequest toN2 = new VoteRequest(N3, N2, term + 1, n1.lastIndex(), term, true, false);
        c.node("n2").step(toN2);
        assertThat(c.node("n2").isQuiesced()).isFalse();
        assertThat(c.take(m -> m instanceof VoteResponse vr && vr.granted())).as("no pre-vote for n3").isEmpty();
        n1.step(new VoteRequest(N3, N1, term + 1, n1.lastIndex(), term, true, false));
        assertThat(n1.isQuiesced()).isFalse();
        assertThat(c.take(m -> m instanceof HeartbeatRequest && m.from().equals(N1))).as("the woken leader announces itself").hasSize(2);
        c.tickAll(3 * T, m -> false);
        assertThat(n1.role()).isEqualTo(Role.LEADER);
        assertThat(n1.term()).isEqualTo(term);
    }

    @Test
    void suspectedLeaderMakesItsQuiescedFollowerCampaignAtOnce() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        long term = c.node("n2").term();
        c.node("n2").peerSuspected(N1);
        assertThat(c.node("n2").isQuiesced()).isFalse();
        assertThat(c.node("n2").role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(c.take(m -> m instanceof VoteRequest vr && vr.preVote() && vr.term() == term + 1)).hasSize(2);
    }

    @Test
    void withLeaseReadsASuspectedLeadersQuiescedFollowerWakesAndCampaignsOnceThePromiseLapses_thesis6_4_1() {
        // It promised not to elect anyone for an election timeout after it last heard the leader; it
        // must be awake (ticking) to see that promise lapse, then it campaigns.
        RaftOptions lease = QUIET.withLeaseReads(true);
        TestCluster c = elected(lease);
        tickUntilQuiet(c);
        RaftNode n2 = c.node("n2");
        n2.peerSuspected(N1);
        assertThat(n2.isQuiesced()).isFalse();
        assertThat(n2.role()).as("its lease promise still holds").isEqualTo(Role.FOLLOWER);
        for (int i = 0; i <= lease.electionTicks() && n2.role() == Role.FOLLOWER; i++) n2.tick();
        assertThat(n2.role()).isEqualTo(Role.PRE_CANDIDATE);
    }

    @Test
    void suspicionOfAnotherMemberLeavesAQuiescedFollowerAsleep() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        c.node("n2").peerSuspected(N3);
        assertThat(c.node("n2").isQuiesced()).isTrue();
        assertThat(c.node("n2").role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void survivorsThatSuspectTheirDeadLeaderElectANewOne() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        long term = c.node("n1").term();
        Predicate<Message> deadN1 = isolating("n1");
        // The hosts' liveness checks notice n1's process is gone, one after the other.
        c.node("n2").peerSuspected(N1);
        c.deliverAll(deadN1);
        c.node("n3").peerSuspected(N1);
        c.deliverAll(deadN1);
        List<RaftNode> leaders = List.of(c.node("n2"), c.node("n3")).stream().filter(n -> n.role() == Role.LEADER).toList();
        assertThat(leaders).hasSize(1);
        assertThat(leaders.get(0).term()).isGreaterThan(term);
    }

    @Test
    void aLoneSuspicionStillElectsANewLeaderWithinAFewElectionTimeouts() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        long term = c.node("n1").term();
        Predicate<Message> deadN1 = isolating("n1");
        // Only n2's host noticed. n3, asleep, refuses at first, but woke and counts from now.
        c.node("n2").peerSuspected(N1);
        c.deliverAll(deadN1);
        int ticks = 0;
        while (ticks < 4 * T && c.node("n2").role() != Role.LEADER && c.node("n3").role() != Role.LEADER) {
            for (String id : List.of("n2", "n3")) c.node(id).tick();
            c.deliverAll(deadN1);
            ticks++;
        }
        assertThat(List.of(c.node("n2"), c.node("n3"))).anyMatch(n -> n.role() == Role.LEADER && n.term() > term);
    }

    /**
     * Thesis §6.4.1: a follower's acknowledgement promises no vote for anyone else for an election
     * timeout, and lease reads rely on it. A failure detector's suspicion does not release it: the
     * campaign starts the tick the promise lapses.
     */
    @Test
    void withLeaseReadsASuspicionWaitsForTheFollowersLeasePromiseToLapse() {
        TestCluster c = elected(TestCluster.OPTIONS.withLeaseReads(true));
        c.tickAll(1, m -> false); // n2 just acknowledged a heartbeat
        Predicate<Message> deadN1 = isolating("n1");
        RaftNode n2 = c.node("n2");
        n2.peerSuspected(N1);
        assertThat(n2.role()).isEqualTo(Role.FOLLOWER);
        int ticks = 0;
        while (n2.role() == Role.FOLLOWER && ticks < 3 * T) {
            n2.tick();
            c.deliverAll(deadN1);
            ticks++;
        }
        assertThat(ticks).as("campaigns exactly when the promise of its last acknowledgement lapses").isEqualTo(T);
    }

    @Test
    void withoutLeaseReadsAnAwakeFollowerCampaignsAtOnceOnSuspicion() {
        TestCluster c = elected(TestCluster.OPTIONS);
        c.tickAll(1, m -> false);
        c.node("n2").peerSuspected(N1);
        assertThat(c.node("n2").role()).isEqualTo(Role.PRE_CANDIDATE);
    }

    /**
     * A quiesced leader's ticks stopped, so its lease's age in ticks means nothing: no lease read
     * while quiesced, and after waking only heartbeat rounds sent after the wake back a lease
     * (thesis §6.4.1). The read itself falls back to ReadIndex, which wakes the group.
     */
    @Test
    void leaseIsNotTrustedWhileQuiescedNorOnAcknowledgementsFromBeforeWaking() {
        TestCluster c = elected(QUIET.withLeaseReads(true));
        c.tickAll(1, m -> false);
        RaftNode n1 = c.node("n1");
        assertThat(n1.leaseReadIndex()).as("awake, with fresh acknowledgements").isPresent();
        tickUntilQuiet(c);
        assertThat(n1.leaseReadIndex()).as("quiesced").isEmpty();
        n1.readIndex(1);
        assertThat(n1.isQuiesced()).isFalse();
        assertThat(n1.leaseReadIndex()).as("awake, but every acknowledgement predates the wake").isEmpty();
        c.deliverAll();
        assertThat(readStates(c, "n1")).containsExactly(new ReadState.Ready(1, n1.commitIndex()));
        assertThat(n1.leaseReadIndex()).as("a round sent after waking was answered").isPresent();
    }

    @Test
    void quiescedLeaderThatSuspectsAMemberWakesAndCheckQuorumRunsAgain() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        RaftNode n1 = c.node("n1");
        n1.peerSuspected(N2);
        assertThat(n1.isQuiesced()).isFalse();
        // Both followers are gone: the awake leader steps down within about an election timeout.
        Predicate<Message> alone = isolating("n1");
        int ticks = 0;
        while (n1.role() == Role.LEADER && ticks < 3 * T) {
            n1.tick();
            c.deliverAll(alone);
            ticks++;
        }
        assertThat(n1.role()).isNotEqualTo(Role.LEADER);
        assertThat(ticks).isLessThanOrEqualTo(T);
    }

    /**
     * VerifiedCommit with quiescence: a restarted follower does not know the commit index and its
     * heartbeats cannot commit (nothing is verified in this term yet). Its election timeout wakes the
     * group without deposing the leader, and the quiesce request, an empty append at the leader's
     * last index, verifies its log and commits it to the end before it goes quiet.
     */
    @Test
    void restartedFollowerWakesTheGroupWithoutDeposingTheLeaderAndIsCommittedByTheQuiesceRequest() {
        TestCluster c = elected(QUIET);
        c.node("n1").propose(cmd("w"));
        c.deliverAll();
        tickUntilQuiet(c);
        long term = c.node("n1").term();
        long last = c.node("n1").lastIndex();
        c.restart("n3");
        assertThat(c.node("n3").commitIndex()).isLessThan(last);
        tickUntilQuiet(c);
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n1").term()).isEqualTo(term);
        assertThat(c.node("n3").commitIndex()).isEqualTo(last);
        assertThat(c.node("n3").leader()).isEqualTo(Optional.of(N1));
    }

    @Test
    void quiescenceNeedsPreVote() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> QUIET.withPreVote(false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("preVote");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> QUIET.withQuiesceTicks(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Messages of its leader sent before the quiesce request and delivered after it (reordered,
     * duplicated) carry nothing new: a quiesced follower stays asleep, or it would time out beside
     * its sleeping leader. A woken leader's heartbeat starts a new round and does wake it.
     */
    @Test
    void lateMessagesOfItsLeaderFromBeforeTheQuiesceRequestDoNotWakeAFollower() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        RaftNode n2 = c.node("n2");
        long term = n2.term();
        long last = n2.lastIndex();
        n2.step(new HeartbeatRequest(N1, N2, term, last, 1));
        assertThat(n2.isQuiesced()).as("a heartbeat of a round it heard long ago").isTrue();
        n2.step(new AppendRequest(N1, N2, term, last - 1, c.member("n2").log.term(last - 1),
                c.member("n2").log.entries(last, last + 1, Long.MAX_VALUE), last));
        assertThat(n2.isQuiesced()).as("an append of entries and a commit index it holds").isTrue();
        n2.step(new HeartbeatRequest(N1, N2, term, last, Long.MAX_VALUE / 2));
        assertThat(n2.isQuiesced()).as("a heartbeat of a new round").isFalse();
    }

    @Test
    void idleLeaderQuiescesOnlyOnceEveryMemberAnsweredItsLastHeartbeatRound() {
        TestCluster c = elected(QUIET);
        // n2's heartbeats are held back (in flight) while everything else flows.
        List<Message> held = new ArrayList<>();
        for (int t = 0; t < 5 * T; t++) {
            for (TestCluster.Member m : c.members.values()) m.raft.tick();
            held.addAll(c.take(m -> m instanceof HeartbeatRequest && m.to().equals(N2)));
            c.deliverAll();
            assertThat(c.node("n1").isQuiesced()).as("a heartbeat to n2 is in flight (tick %d)", t).isFalse();
        }
        for (Message m : held) c.node("n2").step(m);
        tickUntilQuiet(c);
    }

    /**
     * A follower restored from an old copy of its directory while its group slept: it times out
     * (PreVote refused, its log is shorter), which wakes the leader without deposing it; the quiesce
     * request or the idle append then exposes the lost entries (the regressed-follower detection,
     * heardRound against Progress.matchRound), the leader repairs it, and the group sleeps again.
     */
    @Test
    void followerThatLostEntriesWhileTheGroupSleptIsRepairedAndTheGroupSleepsAgain() {
        TestCluster c = elected(QUIET);
        for (int i = 0; i < 5; i++) c.node("n1").propose(cmd("w" + i));
        c.deliverAll();
        tickUntilQuiet(c);
        long term = c.node("n1").term();
        long last = c.node("n1").lastIndex();
        TestCluster.Member m = c.member("n3");
        m.log.append(m.log.entries(2, 3, Long.MAX_VALUE)); // its log now ends at 2: an old copy
        c.restart("n3");
        assertThat(c.node("n3").lastIndex()).isEqualTo(2);
        tickUntilQuiet(c);
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n1").term()).isEqualTo(term);
        assertThat(c.node("n3").lastIndex()).isEqualTo(last);
        assertThat(c.member("n3").log.entries(1, last + 1, Long.MAX_VALUE))
                .isEqualTo(c.member("n1").log.entries(1, last + 1, Long.MAX_VALUE));
    }

    @Test
    void aMemberThatRestartsRepairingWakesTheQuiescedLeaderWithItsTermProbesAndIsRepaired() {
        TestCluster c = elected(QUIET);
        for (int i = 0; i < 5; i++) c.node("n1").propose(cmd("w" + i));
        c.deliverAll();
        tickUntilQuiet(c);
        long last = c.node("n1").lastIndex();
        // n3 lost its hard state while the group slept: it restarts repairing and never campaigns,
        // so only its term probes can tell the sleeping leader that it needs appends.
        TestCluster.Member m = c.member("n3");
        m.hardState.save(new dev.floe.raft.HardState(m.hardState.load().term(), java.util.Optional.empty(), true));
        c.restart("n3");
        for (int i = 0; i < 10 * T && c.node("n3").status().repairing(); i++) c.tickAll(1, msg -> false);
        assertThat(c.node("n3").status().repairing()).as("n3 repaired by the woken leader").isFalse();
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n3").commitIndex()).isGreaterThanOrEqualTo(last);
        tickUntilQuiet(c);
    }

    /**
     * raft-testkit's LostHardStateSimulationTest, seed 100 (with the asynchronous log reads): the
     * leader of a sleeping group crashes, loses its hard state and restarts repairing. It never
     * campaigns, and the followers, asleep beside what they take for their leader, count no time.
     * Its term probes are the only sign that it restarted (a leader never probes): they must wake
     * them, so they notice it is no longer leading and elect one of themselves, which repairs it.
     */
    @Test
    void theLeaderRestartingRepairingWakesItsSleepingFollowersWithItsTermProbesAndTheyElectAnother() {
        TestCluster c = elected(QUIET);
        for (int i = 0; i < 5; i++) c.node("n1").propose(cmd("w" + i));
        c.deliverAll();
        tickUntilQuiet(c);
        long last = c.node("n1").lastIndex();
        TestCluster.Member m = c.member("n1");
        m.hardState.save(new dev.floe.raft.HardState(m.hardState.load().term(), java.util.Optional.empty(), true));
        c.restart("n1");
        for (int i = 0; i < 20 * T && c.node("n1").status().repairing(); i++) c.tickAll(1, msg -> false);
        assertThat(c.node("n1").status().repairing()).as("n1 repaired by a new leader").isFalse();
        assertThat(List.of(c.node("n2").role(), c.node("n3").role())).contains(Role.LEADER);
        assertThat(c.node("n1").commitIndex()).isGreaterThanOrEqualTo(last);
    }

    @Test
    void membershipChangeAndLeadershipTransferWakeAQuiescedLeader() {
        TestCluster c = elected(QUIET);
        tickUntilQuiet(c);
        ProposeResult change = c.node("n1").proposeConfig(
                new dev.floe.raft.ClusterConfig(new java.util.TreeSet<>(List.of(N1, N2)), new java.util.TreeSet<>(), new java.util.TreeSet<>()),
                dev.floe.raft.Bytes.EMPTY);
        assertThat(change).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(c.node("n1").isQuiesced()).as("a configuration entry to replicate").isFalse();
        c.deliverAll();
        assertThat(c.node("n1").status().followers().keySet()).containsExactly(N2);

        TestCluster d = elected(QUIET);
        tickUntilQuiet(d);
        assertThat(d.node("n1").transferLeadership(N2)).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(d.node("n1").isQuiesced()).as("a transfer to drive").isFalse();
        d.tickAll(3, m -> false);
        assertThat(d.node("n2").role()).isEqualTo(Role.LEADER);
    }

    @Test
    void leaderDoesNotQuiesceWithAReadWaitingForItsHeartbeatRound() {
        // Heartbeats every 9 ticks, quiescence after 2 idle ticks: a read that wakes the leader waits
        // for a round that the next heartbeat (or the next Ready) sends; until then it must stay awake.
        RaftOptions slowBeats = TestCluster.OPTIONS.withElectionTicks(10, 9).withQuiesceTicks(2);
        TestCluster c = elected(slowBeats);
        tickUntilQuiet(c);
        RaftNode n1 = c.node("n1");
        n1.readIndex(100);
        for (int t = 0; t < 6; t++) {
            n1.tick();
            assertThat(n1.isQuiesced()).as("a read waits for its round (tick %d)", t).isFalse();
        }
        c.deliverAll();
        assertThat(readStates(c, "n1")).containsExactly(new ReadState.Ready(100, n1.commitIndex()));
    }
}
