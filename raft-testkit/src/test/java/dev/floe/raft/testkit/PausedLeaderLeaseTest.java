package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 3: a leader paused (and cut off) for several election timeouts resumes with a
 * lease read queued; it must judge its lease against the clock, not against the ticks it skipped.
 * These seeds served a stale lease read before the runtime's LeaseGuard: found by the pause fault
 * (seeds 26, 80 and 245 of the first 300, e.g. seed 80: n4 leads term 1, is paused for 567 ms cut
 * off from its peers, n2 is elected in term 2 and commits "add r2 1"; a lease read "get r2" sent
 * to n4 during the pause is answered "0" right after it resumes). They must keep passing.
 */
class PausedLeaderLeaseTest {

    @Test
    void aResumedLeaderNeverAnswersAStaleLeaseRead() {
        for (long seed : new long[] {26, 80, 245}) {
            SimulationReport report = FullRuntimeSimulation.registers().run(seed, 1);
            report.assertPassed();
            assertThat(report.stats().pauses()).isPositive();
            assertThat(report.stats().reads()).isPositive();
        }
    }
}
