package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Quiescence with lease reads, under the full runtime: a leader whose group went quiet counts no
 * ticks, so the age of its lease in ticks stops. Cut off from its peers (not paused, so the runtime's
 * LeaseGuard sees no skipped tick), it stays quiesced until its host's liveness check wakes it, while
 * the others' hosts suspect it and elect a new leader; a lease read sent to it one to two election
 * timeouts after the cut must not be answered from its old lease. Three-voter clusters whose only
 * fault is such a cut-off leader, with idle periods in the workload so groups quiesce first.
 *
 * <p>Three rules guard this at once (docs/core.md, "Quiescence", rules 6 and 8): no lease read while
 * quiesced, the lease clock's jump on waking, and the followers' lease promise delaying their
 * campaign. In these seeds breaking all three together still passes (the window is a few ticks and
 * needs a committed write in it), so this is a scenario check of the combination under faults, not a
 * rule test: {@code QuiescenceTest} (raft-core) catches each rule broken alone.
 */
class QuiescedLeaderLeaseTest {

    @Test
    void aQuiescedLeaderCutOffFromItsPeersNeverAnswersAStaleLeaseRead() {
        SimulationReport report = FullRuntimeSimulation.registers()
                .shapes(SimShape::quietLeadersCutOffWithLeases)
                .faultMillis(3_000)
                .run(1, 30);
        System.out.println("quiesced leaders cut off: " + report);
        report.assertPassed();
        assertThat(report.stats().reads()).isPositive();
        assertThat(report.stats().quiescences).isPositive();
        assertThat(report.stats().suspicions).isPositive();
    }
}
