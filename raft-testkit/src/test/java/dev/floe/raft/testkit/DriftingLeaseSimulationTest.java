package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A leader's read lease expires in time although the clocks drift (thesis §6.4.1): three voters
 * whose clocks run at rates from 0.9 to 1.1, leaders deposed by a cut while lease reads are on, a
 * write through the next leader, then lease reads from the old one ({@link SimShape#driftingLeases}).
 * Raft's invariants after every event, linearizability of the clients' history at the end. A longer
 * soak: {@code -Dfloe.sim.driftingLeaseSeeds=1000}.
 */
class DriftingLeaseSimulationTest {

    @Test
    void aDeposedLeaderNeverAnswersALeaseReadFromAnExpiredLease_thesis6_4_1() {
        SimulationReport report = FullRuntimeSimulation.passes("drifting leases", FullRuntimeSimulation.driftingLeases(),
                "floe.sim.driftingLeaseSeeds", 100);
        assertThat(report.stats().reads()).isPositive();
    }
}
