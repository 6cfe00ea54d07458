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

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Test
    void safetyLinearizabilityAndLivenessHoldOverManySeeds() {
        long seeds = Long.getLong("floe.sim.seeds", 1000);
        long first = Long.getLong("floe.sim.firstSeed", 1);
        long cpuBefore = processCpuNanos();
        SimulationReport report = FullRuntimeSimulation.registers().run(first, seeds);
        long cpuMillis = (processCpuNanos() - cpuBefore) / 1_000_000;
        System.out.printf("full-runtime simulation: %s; %d ms of CPU (%.1f seeds per CPU-second)%n", report, cpuMillis,
                seeds * 1000.0 / Math.max(1, cpuMillis));
        report.assertPassed();
        assertThat(report.stats().writes()).as("commands completed").isPositive();
        assertThat(report.stats().reads()).as("queries completed").isPositive();
    }
}
