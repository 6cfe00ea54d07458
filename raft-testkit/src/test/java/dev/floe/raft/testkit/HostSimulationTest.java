package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulation of hosts running many groups (issue 15, item 6): 3-5 real RaftHosts per seed, each
 * running many groups of the {@link Registers} service, under host crashes, pauses and partitions,
 * group restarts and creations, leadership transfers and balancing, with half the groups idle for
 * seconds (quiescence). Every group's Raft invariants after every event; linearizability,
 * exactly-once and liveness (a leader and a last commit in every group) at the end.
 * {@code -Dfloe.sim.hostSeeds=N} runs N seeds from {@code -Dfloe.sim.firstSeed};
 * {@code -Dfloe.sim.seed=S} replays one seed with a trace.
 */
class HostSimulationTest {

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Test
    void everyGroupOfEveryHostKeepsRaftsPropertiesUnderHostFaults() {
        long seeds = Long.getLong("floe.sim.hostSeeds", 40);
        long first = Long.getLong("floe.sim.firstSeed", 1);
        long cpuBefore = processCpuNanos();
        SimulationReport report = FullRuntimeSimulation.registers().multiRaft().faultMillis(3_000).run(first, seeds);
        long cpuMillis = (processCpuNanos() - cpuBefore) / 1_000_000;
        System.out.printf("host simulation: %s; %d ms of CPU (%.2f seeds per CPU-second)%n", report, cpuMillis,
                seeds * 1000.0 / Math.max(1, cpuMillis));
        report.assertPassed();
        SimStats stats = report.stats();
        assertThat(stats.writes()).as("commands completed").isPositive();
        assertThat(stats.reads()).as("queries completed").isPositive();
        assertThat(stats.crashes()).as("host crashes").isPositive();
        assertThat(stats.quiescences).as("groups quiesced").isPositive();
        assertThat(stats.heartbeatsCoalesced).as("heartbeats coalesced").isPositive();
        assertThat(stats.groupRestarts).as("groups restarted at run time").isPositive();
        assertThat(stats.groupsCreated).as("groups created at run time").isPositive();
    }

    /** A seed is a complete description of a run of hosts too: replaying it does exactly the same thing again. */
    @Test
    void aSeedReplaysTheSameRunOfHostsEventForEvent() {
        List<String> first = traceOf(5);
        List<String> second = traceOf(5);
        assertThat(first).hasSizeGreaterThan(20);
        assertThat(second).isEqualTo(first);
    }

    private static List<String> traceOf(long seed) {
        List<String> trace = new ArrayList<>();
        SimulationReport report = FullRuntimeSimulation.registers().multiRaft().faultMillis(1_000).traceTo(trace::add).run(seed, 1);
        trace.add(report.stats().toString());
        return trace;
    }
}
