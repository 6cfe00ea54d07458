package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Issue 12: a member whose hard state is lost at a crash restarts repairing (no vote until caught
 * up) and first learns its term back from the other voters (dev.floe.raft.core.Repair). Runs
 * three-voter clusters whose faults are crashes that lose the hard state, partitions, cut links and
 * isolated new leaders, and checks Raft's invariants and linearizability as every run does. Without
 * the term-learning step, a leader deposed in a term the repairing member forgot can commit with its
 * acknowledgements an entry that conflicts with the newer leader's (docs/operations.md): with that
 * step switched off, seed 485 of these (1,000 seeds tried) breaks Leader Completeness; with it, the
 * 1,000 pass. A longer soak: {@code -Dfloe.sim.lostHardStateSeeds=1000}.
 */
class LostHardStateSimulationTest {

    @Test
    void aMemberThatLostItsHardStateNeverHelpsBreakSafety() {
        int seeds = Integer.getInteger("floe.sim.lostHardStateSeeds", 120);
        SimulationReport report = FullRuntimeSimulation.registers()
                .shapes(SimShape::lostHardStates)
                .faultMillis(3_000)
                .run(1, seeds);
        System.out.println("lost hard states: " + report);
        report.assertPassed();
        assertThat(report.stats().hardStatesLost()).isGreaterThanOrEqualTo(seeds);
    }

    /** The seed that found the forgotten-term hole (as long as the simulator's choices stay the same). */
    @Test
    void theSeedThatFoundTheForgottenTermHole() {
        SimulationReport report = FullRuntimeSimulation.registers()
                .shapes(SimShape::lostHardStates)
                .faultMillis(3_000)
                .run(485, 1);
        report.assertPassed();
        assertThat(report.stats().hardStatesLost()).isPositive();
    }
}
