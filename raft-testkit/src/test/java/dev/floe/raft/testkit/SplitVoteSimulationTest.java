package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A vote is durable before it is answered (Raft paper Figure 2, §5.2): five voters split into two
 * pairs that a fifth hears both of, the fifth crashing at its next vote save, the leader crashed
 * ({@link SimSplitVotePlay}). Raft's invariants after every event, linearizability of the clients'
 * history at the end. A longer soak: {@code -Dfloe.sim.splitVoteSeeds=1000}.
 */
class SplitVoteSimulationTest {

    @Test
    void aVoteLostInACrashIsNeverGivenTwiceInOneTerm_Figure2() {
        SimulationReport report = FullRuntimeSimulation.passes("split votes", FullRuntimeSimulation.splitVotes(), "floe.sim.splitVoteSeeds", 100);
        long seeds = report.seeds();
        assertThat(report.stats().crashes()).isGreaterThanOrEqualTo(2L * seeds);
    }
}
