package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.message.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The table-driven scenarios of etcd-io/raft's raft_paper_test.go, checked on Floe's core (the
 * mapping, test by test, is in docs/core.md). Each case names the paper section it checks.
 */
class PaperParityTest {
    private static final RaftOptions NO_PREVOTE = TestCluster.OPTIONS.withPreVote(false);
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private static List<Entry> terms(long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) out.add(Entry.command(terms[i], i + 1, cmd("e" + (i + 1))));
        return out;
    }

    private static void tickUntil(RaftNode n, Role role) {
        for (int i = 0; i < 10 * TestCluster.OPTIONS.electionTicks() && n.role() != role; i++) n.tick();
        assertThat(n.role()).isEqualTo(role);
    }

    private static List<Message> sent(Ready rd) {
        List<Message> all = new ArrayList<>(rd.messages());
        all.addAll(rd.messagesAfterPersist());
        return all;
    }

    /** §5.1 (TestFollower/Candidate/LeaderUpdateTermFromMessage): a higher term makes any role a follower of it. */
    @Test
    void everyRoleAdoptsAHigherTermAndBecomesFollower_section5_1() {
        for (Role role : List.of(Role.FOLLOWER, Role.CANDIDATE, Role.LEADER)) {
            TestCluster c = new TestCluster(3, NO_PREVOTE);
            RaftNode n1 = c.node("n1");
            if (role == Role.LEADER) c.elect("n1");
            if (role == Role.CANDIDATE) tickUntil(n1, Role.CANDIDATE);
            long higher = n1.term() + 1;
            n1.step(new AppendRequest(N2, N1, higher, 0, 0, List.of(), 0));
            assertThat(n1.term()).as("from %s", role).isEqualTo(higher);
            assertThat(n1.role()).as("from %s", role).isEqualTo(Role.FOLLOWER);
            assertThat(n1.leader()).contains(N2);
        }
    }

    /** §5.2 (TestLeaderElectionInOneRoundRPC): win with a majority, lose with a majority against, else wait. */
    @Test
    void oneRoundOfVotesWinsLosesOrWaits_section5_2() {
        record Case(int size, Map<String, Boolean> votes, Role expected) {
        }
        List<Case> cases = List.of(
                new Case(1, Map.of(), Role.LEADER),
                new Case(3, Map.of("n2", true, "n3", true), Role.LEADER),
                new Case(3, Map.of("n2", true), Role.LEADER),
                new Case(5, Map.of("n2", true, "n3", true, "n4", true, "n5", true), Role.LEADER),
                new Case(5, Map.of("n2", true, "n3", true, "n4", true), Role.LEADER),
                new Case(5, Map.of("n2", true, "n3", true), Role.LEADER),
                new Case(3, Map.of("n2", false, "n3", false), Role.FOLLOWER),
                new Case(5, Map.of("n2", false, "n3", false, "n4", false, "n5", false), Role.FOLLOWER),
                new Case(5, Map.of("n2", true, "n3", false, "n4", false, "n5", false), Role.FOLLOWER),
                new Case(3, Map.of(), Role.CANDIDATE),
                new Case(5, Map.of("n2", true), Role.CANDIDATE),
                new Case(5, Map.of("n2", false, "n3", false), Role.CANDIDATE),
                new Case(5, Map.of(), Role.CANDIDATE));
        for (Case k : cases) {
            TestCluster c = new TestCluster(k.size(), NO_PREVOTE);
            RaftNode n1 = c.node("n1");
            for (int i = 0; i < 10 * TestCluster.OPTIONS.electionTicks() && n1.role() == Role.FOLLOWER; i++) n1.tick();
            k.votes().forEach((voter, granted) -> n1.step(new VoteResponse(NodeId.of(voter), N1, 1, false, granted)));
            assertThat(n1.role()).as("%s", k).isEqualTo(k.expected());
            assertThat(n1.term()).as("%s", k).isEqualTo(1);
        }
    }

    /** §5.4.1 (TestVoter): the vote needs a log at least as up to date: last term first, then length. */
    @Test
    void voterComparesLastTermThenLength_section5_4_1() {
        record Case(List<Entry> voterLog, long candidateLastTerm, long candidateLastIndex, boolean granted) {
        }
        List<Case> cases = List.of(
                // same last term
                new Case(terms(1), 1, 1, true),
                new Case(terms(1), 1, 2, true),
                new Case(terms(1, 1), 1, 1, false),
                // candidate's last term higher, even with a shorter log
                new Case(terms(1), 2, 1, true),
                new Case(terms(1), 2, 2, true),
                new Case(terms(1, 1), 2, 1, true),
                // voter's last term higher, even with a shorter log
                new Case(terms(2), 1, 1, false),
                new Case(terms(2), 1, 2, false),
                new Case(terms(2, 2), 1, 1, false),
                new Case(terms(1, 1), 1, 1, false));
        for (Case k : cases) {
            TestCluster c = new TestCluster(3, NO_PREVOTE);
            c.preload("n1", 2, k.voterLog());
            RaftNode n1 = c.node("n1");
            n1.step(new VoteRequest(N2, N1, 3, k.candidateLastIndex(), k.candidateLastTerm(), false, false));
            assertThat(sent(n1.ready())).as("%s", k).containsExactly(new VoteResponse(N1, N2, 3, false, k.granted()));
        }
    }

    /** §5.2 (TestFollowerVote): one vote per term, first come first served; the same candidate may ask again. */
    @Test
    void followerVotesFirstComeFirstServedAndAgainForTheSameCandidate_section5_2() {
        record Case(Optional<String> votedFor, String candidate, boolean granted) {
        }
        List<Case> cases = List.of(new Case(Optional.empty(), "n2", true), new Case(Optional.empty(), "n3", true),
                new Case(Optional.of("n2"), "n2", true), new Case(Optional.of("n3"), "n3", true),
                new Case(Optional.of("n2"), "n3", false), new Case(Optional.of("n3"), "n2", false));
        for (Case k : cases) {
            TestCluster c = new TestCluster(3, NO_PREVOTE);
            TestCluster.Member m = c.member("n1");
            m.hardState.save(new HardState(1, k.votedFor().map(NodeId::of)));
            c.start(m); // the vote is reloaded from the hard state, as after a restart
            RaftNode n1 = c.node("n1");
            NodeId candidate = NodeId.of(k.candidate());
            n1.step(new VoteRequest(candidate, N1, 1, 0, 0, false, false));
            assertThat(sent(n1.ready())).as("%s", k).containsExactly(new VoteResponse(N1, candidate, 1, false, k.granted()));
        }
    }

    /** §5.3 (TestLeaderAcknowledgeCommit): an entry commits once stored on a majority, the leader included. */
    @Test
    void entryCommitsOnceAMajorityStoresIt_section5_3() {
        record Case(int size, List<String> acceptors, boolean committed) {
        }
        List<Case> cases = List.of(new Case(1, List.of(), true), new Case(3, List.of(), false),
                new Case(3, List.of("n2"), true), new Case(3, List.of("n2", "n3"), true),
                new Case(5, List.of(), false), new Case(5, List.of("n2"), false),
                new Case(5, List.of("n2", "n3"), true), new Case(5, List.of("n2", "n3", "n4"), true),
                new Case(5, List.of("n2", "n3", "n4", "n5"), true));
        for (Case k : cases) {
            TestCluster c = new TestCluster(k.size(), NO_PREVOTE);
            c.elect("n1");
            c.deliverAll();
            RaftNode n1 = c.node("n1");
            long before = n1.commitIndex();
            n1.propose(cmd("some data"));
            c.deliverAll(m -> !(k.acceptors().contains(m.to().value()) || k.acceptors().contains(m.from().value())
                    || (m.from().equals(N1) && m.to().equals(N1))));
            assertThat(n1.commitIndex() > before).as("%s", k).isEqualTo(k.committed());
        }
    }

    /** §5.3 (TestFollowerCheckMsgApp): the consistency check, and the conflict hint on each shape. */
    @Test
    void followerChecksPrevEntryAndHintsWhereItsLogDiverges_section5_3() {
        record Case(long prevTerm, long prevIndex, AppendResponse expected) {
        }
        List<Case> cases = List.of(
                new Case(0, 0, AppendResponse.accepted(N1, N2, 2, 1)), // below our commit: matches
                new Case(1, 1, AppendResponse.accepted(N1, N2, 2, 1)),
                new Case(2, 2, AppendResponse.accepted(N1, N2, 2, 2)),
                new Case(1, 2, AppendResponse.rejected(N1, N2, 2, 2, 2, 2)), // we hold term 2 from index 2
                new Case(3, 3, AppendResponse.rejected(N1, N2, 2, 3, 3, 0))); // too short: our last index + 1
        for (Case k : cases) {
            TestCluster c = new TestCluster(3, NO_PREVOTE);
            c.preload("n1", 2, terms(1, 2));
            RaftNode n1 = c.node("n1");
            n1.step(new AppendRequest(N2, N1, 2, 1, 1, List.of(), 1)); // learn commit 1
            n1.ready();
            n1.step(new AppendRequest(N2, N1, 2, k.prevIndex(), k.prevTerm(), List.of(), 1));
            assertThat(sent(n1.ready())).as("%s", k).containsExactly(k.expected());
        }
    }

    /** §5.3, Figure 7 (TestLeaderSyncFollowerLog): each of the six follower logs ends up equal to the leader's. */
    @Test
    void leaderRepairsEveryFollowerLogOfFigure7_section5_3() {
        List<Entry> leader = terms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
        List<List<Entry>> followers = List.of(
                terms(1, 1, 1, 4, 4, 5, 5, 6, 6),             // (a) missing an entry
                terms(1, 1, 1, 4),                            // (b) missing many
                terms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6),       // (c) an extra uncommitted entry
                terms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7),    // (d) extra entries of a later term
                terms(1, 1, 1, 4, 4, 4, 4),                   // (e) missing and extra
                terms(1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3));      // (f) a divergent run of terms 2 and 3
        for (List<Entry> follower : followers) {
            TestCluster c = new TestCluster(3, NO_PREVOTE);
            c.preload("n1", 8, leader);
            c.preload("n2", 7, follower);
            c.elect("n1");
            c.node("n1").propose(cmd("new"));
            c.deliverAll();
            c.tickAll(3, m -> false);
            long last = c.node("n1").lastIndex();
            assertThat(c.member("n2").log.entries(1, last + 1, Long.MAX_VALUE)).as("follower %s", follower)
                    .isEqualTo(c.member("n1").log.entries(1, last + 1, Long.MAX_VALUE));
            assertThat(c.node("n2").lastIndex()).isEqualTo(last);
        }
    }

    /** §5.3/§5.4.2 (TestLeaderCommitPrecedingEntries): committing the leader's entry commits what precedes it. */
    @Test
    void leaderCommitsPrecedingEntriesOfEarlierTermsWithItsOwn_section5_4_2() {
        for (List<Entry> earlier : List.of(List.<Entry>of(), terms(2), terms(1, 2), terms(1))) {
            TestCluster c = new TestCluster(3, NO_PREVOTE);
            c.preload("n1", 2, earlier);
            c.elect("n1");
            c.node("n1").propose(cmd("some data"));
            c.deliverAll();
            List<Entry> applied = c.member("n1").applied;
            assertThat(applied).as("after %s", earlier).hasSize(earlier.size() + 2);
            assertThat(applied.subList(0, earlier.size())).isEqualTo(earlier);
        }
    }

    /** §5.2 (TestLeaderBcastBeat): a heartbeat tick sends every follower a heartbeat, with commit capped at its match. */
    @Test
    void heartbeatTickReachesEveryFollower_section5_2() {
        TestCluster c = new TestCluster(3, NO_PREVOTE);
        c.elect("n1");
        c.deliverAll();
        c.node("n1").tick();
        List<Message> beats = c.take(m -> m instanceof HeartbeatRequest);
        assertThat(beats).extracting(Message::to).containsExactlyInAnyOrder(N2, NodeId.of("n3"));
    }

    /** Figure 2 (votes from every role): a node of the same term that voted, leads or campaigns refuses others. */
    @Test
    void sameTermVoteRequestIsRefusedByEveryRoleButAnUnvotedFollower_section5_2() {
        for (Role role : List.of(Role.CANDIDATE, Role.LEADER, Role.FOLLOWER)) {
            TestCluster c = new TestCluster(3, NO_PREVOTE);
            RaftNode n1 = c.node("n1");
            if (role == Role.LEADER) c.elect("n1");
            if (role == Role.CANDIDATE) tickUntil(n1, Role.CANDIDATE);
            if (role == Role.FOLLOWER) c.elect("n3");
            c.deliverAll();
            n1.step(new VoteRequest(N2, N1, n1.term(), 100, n1.term(), false, false));
            assertThat(sent(n1.ready())).as("as %s", role)
                    .containsExactly(new VoteResponse(N1, N2, n1.term(), false, false));
        }
    }
}
