package dev.floe.raft.testkit;

/**
 * A simulated run broke a Raft safety or liveness property. The message names the property, the
 * seed, and the command that replays the run, followed by the last events before the failure.
 */
public final class InvariantViolation extends RuntimeException {
    private final long seed;
    private final String property;

    InvariantViolation(long seed, String property, String detail, String trace) {
        super(property + " violated (seed " + seed + "): " + detail
                + "\n  replay: " + replayCommand(seed)
                + (trace.isEmpty() ? "" : "\n  last events:\n" + trace));
        this.seed = seed;
        this.property = property;
    }

    /** The one command that replays {@code seed} with a full trace. */
    public static String replayCommand(long seed) {
        return "mvn -B -q -pl raft-core test -Dtest=SimulationTest -Dfloe.sim.seed=" + seed;
    }

    public long seed() {
        return seed;
    }

    /** The property that failed, such as "Election Safety". */
    public String property() {
        return property;
    }
}
