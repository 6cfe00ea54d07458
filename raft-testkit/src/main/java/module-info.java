/**
 * Deterministic simulation of whole clusters of real {@link dev.floe.raft.server.RaftServer}s, for
 * testing state machines: start at {@link dev.floe.raft.testkit.SimulationRunner}. It drives the
 * servers through the runtime's public SPI only ({@code Scheduler}, {@code Clock}, the plugs).
 */
module dev.floe.raft.testkit {
    requires transitive dev.floe.raft;

    exports dev.floe.raft.testkit;
}
