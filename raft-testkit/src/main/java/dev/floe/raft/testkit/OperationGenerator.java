package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import java.util.random.RandomGenerator;

/** Produces the user's commands or queries for the simulated clients, from the run's random source only. */
@FunctionalInterface
public interface OperationGenerator {
    /**
     * The next operation.
     *
     * @param random the run's random source; use nothing else, so a seed replays exactly
     * @return the operation
     */
    Bytes next(RandomGenerator random);
}
