package dev.floe.raft.testkit;

/**
 * A simulated run broke a property: which, in what way, the seed, the one command that replays it,
 * and the last things that happened before.
 *
 * @param seed          the failing seed
 * @param property      the property violated
 * @param detail        what was seen
 * @param replayCommand the command that replays the seed with a full trace
 * @param recentEvents  the last events before the violation
 */
public record SimulationFailure(long seed, String property, String detail, String replayCommand, String recentEvents) {

    /** {@return the report to print: property, seed, detail, the replay command on a line of its own, the events} */
    public String describe() {
        return property + " violated (seed " + seed + "): " + detail + "\n  replay: " + replayCommand
                + (recentEvents.isEmpty() ? "" : "\n  last events:\n" + recentEvents);
    }

    @Override
    public String toString() {
        return describe();
    }
}
