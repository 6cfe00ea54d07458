/**
 * Deterministic simulation of whole clusters of real {@code RaftServer}s, for Floe's own tests and
 * for users testing their state machines: start at {@link dev.floe.raft.testkit.SimulationRunner}.
 * Each member's server runs on a simulated process ({@code Scheduler} and {@code Clock} of the
 * runtime SPI), disk and network, all on one thread in simulated time; one seed decides a run.
 * See docs/simulation.md and docs/testing-your-state-machine.md.
 */
package dev.floe.raft.testkit;
