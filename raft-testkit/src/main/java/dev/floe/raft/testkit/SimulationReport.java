package dev.floe.raft.testkit;

import java.util.List;

/**
 * What {@link SimulationRunner#run} found: the seeds run, the failures (each with its seed and
 * replay command), what the runs did, and how long they took.
 *
 * @param firstSeed the first seed run
 * @param seeds     how many seeds ran
 * @param failures  the seeds that violated a property
 * @param stats     what the runs did, summed
 * @param millis    wall-clock time of the runs
 */
public record SimulationReport(long firstSeed, long seeds, List<SimulationFailure> failures, SimStats stats, long millis) {

    /** {@return whether every seed passed} */
    public boolean passed() {
        return failures.isEmpty();
    }

    /**
     * Seeds per second of wall-clock time.
     *
     * @return the rate
     */
    public double seedsPerSecond() {
        return millis == 0 ? seeds * 1000.0 : seeds * 1000.0 / millis;
    }

    /**
     * Throws an {@link AssertionError} that lists every failure (seed, property, replay command) unless all seeds passed.
     *
     * @return this report, when all seeds passed
     */
    public SimulationReport assertPassed() {
        if (passed()) return this;
        StringBuilder sb = new StringBuilder(failures.size() + " of " + seeds + " seeds failed:\n");
        for (SimulationFailure f : failures) sb.append(f.describe()).append('\n');
        throw new AssertionError(sb.toString());
    }

    @Override
    public String toString() {
        return String.format("%d seeds (%d..%d) in %d ms (%.1f seeds/s), %d failed; %s", seeds, firstSeed,
                firstSeed + seeds - 1, millis, seedsPerSecond(), failures.size(), stats);
    }
}
