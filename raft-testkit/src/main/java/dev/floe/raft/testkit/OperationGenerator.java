package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import java.util.random.RandomGenerator;

/** Produces the user's commands or queries for the simulated clients, from the run's random source only. */
@FunctionalInterface
public interface OperationGenerator {
    Bytes next(RandomGenerator random);
}
