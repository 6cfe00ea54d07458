/**
 * Floe's public API: the values that cross every boundary ({@link dev.floe.raft.NodeId},
 * {@link dev.floe.raft.Entry}, {@link dev.floe.raft.Bytes}, {@link dev.floe.raft.ClusterConfig}) and the
 * plugs a user or an integrator implements: {@link dev.floe.raft.StateMachine} (the replicated service),
 * {@link dev.floe.raft.LogStorage}, {@link dev.floe.raft.HardStateStore}, {@link dev.floe.raft.SnapshotStore}
 * and {@link dev.floe.raft.Transport}. Each interface documents what is durable when a call returns,
 * what may be buffered, and which thread calls it.
 */
package dev.floe.raft;
