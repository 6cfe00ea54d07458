package dev.floe.raft.testkit;

/** The standard simulation of Floe's own tests: the {@link Registers} service with its model. */
public final class FullRuntimeSimulation {
    private FullRuntimeSimulation() {
    }

    public static SimulationRunner registers() {
        return SimulationRunner.forStateMachine(Registers::new)
                .commands(Registers.commands())
                .queries(Registers.queries())
                .model(new Registers.Model());
    }

    /**
     * Runs seeds 1..N of {@code runner}, N from the system property {@code seedsProperty} (default
     * {@code defaultSeeds}), prints the report under {@code name} and fails on any violation.
     */
    public static SimulationReport passes(String name, SimulationRunner runner, String seedsProperty, int defaultSeeds) {
        SimulationReport report = runner.run(1, Integer.getInteger(seedsProperty, defaultSeeds));
        System.out.println(name + ": " + report);
        return report.assertPassed();
    }

    /** {@link #registers()} under the damaged-disk fault mix ({@code DamagedDiskSimulationTest}). */
    public static SimulationRunner damagedDisks() {
        return registers().shapes(SimShape::damagedDisks).faultMillis(3_000);
    }

    /** {@link #registers()} under the split-vote fault mix ({@code SplitVoteSimulationTest}). */
    public static SimulationRunner splitVotes() {
        return registers().shapes(SimShape::splitVotes).faultMillis(3_000);
    }

    /** {@link #registers()} under the forgotten-term fault mix ({@code ForgottenTermSimulationTest}). */
    public static SimulationRunner forgottenTerms() {
        return registers().shapes(SimShape::forgottenTerms).faultMillis(3_000);
    }

    /** {@link #registers()} under the drifting-leases fault mix ({@code DriftingLeaseSimulationTest}). */
    public static SimulationRunner driftingLeases() {
        return registers().shapes(SimShape::driftingLeases).faultMillis(3_000);
    }

    /** {@link #registers()} under the Figure 8 fault mix ({@code Figure8SimulationTest}). */
    public static SimulationRunner figure8() {
        return registers().shapes(SimShape::figure8).faultMillis(3_000);
    }
}
