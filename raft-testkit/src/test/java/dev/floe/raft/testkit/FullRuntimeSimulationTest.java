package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The simulation of whole clusters of real RaftServers over many seeds: Raft's safety properties
 * after every event, linearizability, exactly-once and one apply sequence per run, liveness after
 * healing. {@code -Dfloe.sim.seeds=N} runs N seeds from {@code -Dfloe.sim.firstSeed};
 * {@code -Dfloe.sim.seed=S} replays one seed with a trace.
 */
class FullRuntimeSimulationTest {

    @Test
    void safetyLinearizabilityAndLivenessHoldOverManySeeds() {
        long seeds = Long.getLong("floe.sim.seeds", 1000);
        long first = Long.getLong("floe.sim.firstSeed", 1);
        SimulationReport report = SimulationRunner.forStateMachine(Registers::new)
                .commands(Registers.commands())
                .queries(Registers.queries())
                .model(new Registers.Model())
                .run(first, seeds);
        System.out.println("full-runtime simulation: " + report);
        report.assertPassed();
        assertThat(report.stats().writes()).as("commands completed").isPositive();
        assertThat(report.stats().reads()).as("queries completed").isPositive();
    }
}
