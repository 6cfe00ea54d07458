package dev.floe.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.testkit.InvariantViolation;
import dev.floe.raft.testkit.SimConfig;
import dev.floe.raft.testkit.Simulation;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Proves the simulator finds real bugs: each test plants one classic Raft mistake behind a
 * package-private switch and asserts that the standard seeds report a violation of the property
 * the mistake breaks.
 */
class PlantedBugTest {
    private static final int MAX_SEEDS = 3000;

    @AfterEach
    void removeBugs() {
        PlantedBug.enableOnly(EnumSet.noneOf(PlantedBug.class));
    }

    @Test
    void countingVotesFromAnOldTermBreaksElectionSafety() {
        InvariantViolation v = firstViolationWith(PlantedBug.COUNT_STALE_VOTES).orElseThrow(
                () -> new AssertionError("no seed caught a candidate counting stale votes"));
        assertThat(v.property()).isIn("Election Safety", "Leader Completeness", "State Machine Safety", "Log Matching");
    }

    @Test
    void committingAnEarlierTermEntryByCountingReplicasLosesCommittedEntries_Figure8() {
        InvariantViolation v = firstViolationWith(PlantedBug.COMMIT_EARLIER_TERM_BY_COUNTING).orElseThrow(
                () -> new AssertionError("no seed caught the Figure 8 commit mistake"));
        assertThat(v.property()).isIn("Leader Completeness", "State Machine Safety", "Log Matching");
    }

    @Test
    void answeringAVoteBeforeItIsDurableBreaksElectionSafety() {
        InvariantViolation v = firstViolationWith(PlantedBug.ANSWER_VOTE_BEFORE_PERSIST).orElseThrow(
                () -> new AssertionError("no seed caught votes answered before they were durable"));
        assertThat(v.property()).isIn("Election Safety", "Leader Completeness", "State Machine Safety", "Log Matching");
    }

    @Test
    void servingReadsWithoutConfirmingLeadershipBreaksLinearizability_thesis6_4() {
        InvariantViolation v = firstViolationWith(PlantedBug.READ_WITHOUT_QUORUM_CHECK).orElseThrow(
                () -> new AssertionError("no seed caught reads served by a deposed leader"));
        assertThat(v.property()).isEqualTo("Linearizable reads");
    }

    @Test
    void aReadLeaseThatNeverExpiresBreaksLinearizability_thesis6_4_1() {
        InvariantViolation v = firstViolationWith(PlantedBug.LEASE_NEVER_EXPIRES).orElseThrow(
                () -> new AssertionError("no seed caught a lease that never expires"));
        assertThat(v.property()).isEqualTo("Linearizable reads");
    }

    private static Optional<InvariantViolation> firstViolationWith(PlantedBug bug) {
        PlantedBug.enableOnly(EnumSet.of(bug));
        for (long seed = 1; seed <= MAX_SEEDS; seed++) {
            try {
                Simulation.run(SimConfig.standard(seed));
            } catch (InvariantViolation v) {
                System.out.println("planted bug " + bug + " caught by seed " + seed + " as " + v.property());
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
