package dev.floe.raft.planted;

import dev.floe.raft.planted.PlantedMistake.Edit;
import java.util.List;

/** The catalogue of planted mistakes: each one a rule of the Raft paper or thesis, broken on its own. */
final class PlantedMistakes {
    private static final String NODE = "dev/floe/raft/core/RaftNode.java";
    private static final String REPLICATION = "dev/floe/raft/core/Replication.java";

    private PlantedMistakes() {
    }

    static final PlantedMistake COUNT_STALE_VOTES = PlantedMistake.of(
            "a candidate counts vote grants of older terms (late answers, and grants kept from its last campaign)", NODE,
            "dev.floe.raft.core.ElectionTest#candidateDoesNotCountVotesFromAnEarlierTerm_section5_2",
            new Edit("} else if (m.term() < term) {\n            rejectStale(m);",
                    "} else if (m.term() < term && !(m instanceof VoteResponse)) {\n            rejectStale(m);"),
            new Edit("a new campaign starts from an empty tally.\n        votesGranted.clear();",
                    "a new campaign starts from an empty tally.\n"));

    static final PlantedMistake COMMIT_EARLIER_TERM_BY_COUNTING = PlantedMistake.of(
            "the leader commits an entry of an earlier term by counting replicas (Figure 8)", REPLICATION,
            "dev.floe.raft.core.ReplicationTest#leaderNeverCommitsAnEarlierTermEntryByCountingReplicas_Figure8",
            new Edit("if (log.term(index) != node.term()) return false;", ""))
            // The Figure 8 mix (Figure8SimulationTest) plays the paper's history: 54 of seeds 1..300.
            .simulatedBy("figure8");

    static final PlantedMistake ANSWER_VOTE_BEFORE_PERSIST = PlantedMistake.of(
            "a vote grant leaves before the vote is durable (Figure 2)", NODE,
            "dev.floe.raft.core.ElectionTest#voteIsDurableBeforeItIsAnswered_Figure2",
            new Edit("            send(grant);", "            messages.add(grant);"),
            new Edit("if (changed.isPresent() && !messages.isEmpty()) {", "if (false) {"))
            // The default mix: 5 of seeds 1..1,000; the split-vote mix (SplitVoteSimulationTest): 56 of 1..300.
            .simulatedBy("splitVotes");

    static final PlantedMistake SEND_BEFORE_TERM_IS_DURABLE = PlantedMistake.of(
            "a Ready's messages leave before its new term is durable (a single voter's appends to learners)", NODE,
            "dev.floe.raft.core.SingleVoterDurabilityTest#aCrashBeforeTheTermIsDurableCannotMakeTheLearnerDiverge",
            new Edit("if (changed.isPresent() && !messages.isEmpty()) {", "if (false) {"))
            // Both incarnations of the single voter append the same no-op at the same index and term
            // (SimDisk saves the hard state synchronously: no command lands before the crash).
            .reach(PlantedMistake.Reach.UNREACHABLE);

    static final PlantedMistake READ_WITHOUT_QUORUM_CHECK = PlantedMistake.of(
            "the leader answers a read with its commit index without a heartbeat round (thesis §6.4)", NODE,
            "dev.floe.raft.core.ReadIndexTest#partitionedLeaderCannotConfirmAReadAndRejectsItWhenItStepsDown",
            new Edit("if (Quorum.isActiveQuorum(config.voters(), config.votersOutgoing(), Set.of(id))) {", "if (true) {"));

    static final PlantedMistake LEASE_NEVER_EXPIRES = PlantedMistake.of(
            "the leader's read lease never expires (thesis §6.4.1)", NODE,
            "dev.floe.raft.core.ReadIndexTest#leaseReadNeedsNoHeartbeatRoundWhileAQuorumAnsweredRecently_thesis6_4_1",
            new Edit("if (age >= options.electionTicks() - options.leaseMarginTicks()) {", "if (false) {"))
            // Caught only with drifting clocks (DriftingLeaseSimulationTest): 5 of seeds 1..300, first 23.
            .simulatedBy("driftingLeases");

    static final PlantedMistake IGNORE_LOST_ENTRIES = PlantedMistake.of(
            "the leader treats every rejection at or below a follower's match as stale (a regressed follower stalls)", REPLICATION,
            "dev.floe.raft.core.RegressedFollowerTest#followerRestoredFromAnOldCopyIsResetAndRepairedByTheLeader",
            new Edit("if (pr.match == 0 || m.heardRound() < pr.matchRound) return false;", "if (true) return false;"))
            // The damaged-disk mix restores old copies; the end-of-run check that no member is left
            // behind catches the stalled follower: 38 of seeds 1..300.
            .simulatedBy("damagedDisks");

    // The default mix loses a hard state only now and then (LostHardStateSimulationTest's shape:
    // seed 485 of 1,000); the forgotten-term mix (ForgottenTermSimulationTest): 160 of seeds 1..300.
    static final PlantedMistake REPAIR_WITH_A_FORGOTTEN_TERM = PlantedMistake.of(
            "a member that lost its hard state acknowledges leaders before it learned its term back", "dev/floe/raft/core/Repair.java",
            "dev.floe.raft.core.RepairForgottenTermTest#aMemberThatForgotItsTermDoesNotHelpALeaderDeposedInThatTermCommit",
            new Edit("        return active && !termLearned;", "        return false;"))
            .simulatedBy("forgottenTerms");

    // DamagedDiskSimulationTest's mix (members whose disks lose synced entries) catches it: seed 15
    // first, 27 of seeds 1..300.
    static final PlantedMistake REPAIRING_MEMBER_VOTES = PlantedMistake.of(
            "a repairing member (its disk lost entries it may have acknowledged) grants votes", "dev/floe/raft/core/RaftNode.java",
            "dev.floe.raft.core.RepairTest#aRepairingMemberGrantsNoVoteSoACandidateWithoutTheOthersCannotWin",
            new Edit("if (canVote && !repair.active() && log.isUpToDate(", "if (canVote && log.isUpToDate("))
            .simulatedBy("damagedDisks");

    static List<PlantedMistake> all() {
        return List.of(COUNT_STALE_VOTES, COMMIT_EARLIER_TERM_BY_COUNTING, ANSWER_VOTE_BEFORE_PERSIST,
                SEND_BEFORE_TERM_IS_DURABLE, READ_WITHOUT_QUORUM_CHECK, LEASE_NEVER_EXPIRES, IGNORE_LOST_ENTRIES,
                REPAIR_WITH_A_FORGOTTEN_TERM, REPAIRING_MEMBER_VOTES);
    }
}
