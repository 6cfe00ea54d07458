/**
 * Test support that users can reuse for their own state machines: the deterministic cluster
 * simulator ({@link dev.floe.raft.testkit.Simulation}, pure: no threads or clocks, everything from
 * one seed), in-memory plugs ({@link dev.floe.raft.testkit.MemoryLogStorage},
 * {@link dev.floe.raft.testkit.MemoryHardStateStore}), and {@link dev.floe.raft.testkit.LocalNetwork},
 * an in-process transport with a delivery thread per member for testing threaded
 * {@code RaftServer}s without sockets. Not for production use.
 */
package dev.floe.raft.testkit;
