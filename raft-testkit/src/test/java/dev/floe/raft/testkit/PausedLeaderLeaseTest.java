package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 3: a leader paused (and cut off from its peers) for several election timeouts
 * resumes with a lease read queued; it must judge its lease against the clock, not against the
 * ticks it skipped. Runs three-voter clusters with lease reads whose only fault is such a frozen
 * leader, probed with a lease read just before it resumes. Before the runtime's LeaseGuard, these
 * seeds served stale lease reads (for instance: n1 leads, is frozen for 400 ms, n2 is elected and
 * commits "add r2 1", and n1 answers the queued "get r2" with the old value right after it resumes).
 */
class PausedLeaderLeaseTest {

    @Test
    void aResumedLeaderNeverAnswersAStaleLeaseRead() {
        SimulationReport report = FullRuntimeSimulation.registers()
                .shapes(SimShape::frozenLeadersWithLeases)
                .faultMillis(3_000)
                .run(1, 30);
        System.out.println("frozen leaders: " + report);
        report.assertPassed();
        assertThat(report.stats().pauses()).isGreaterThanOrEqualTo(30);
        assertThat(report.stats().reads()).isPositive();
    }
}
