/**
 * The runtime that runs the pure consensus core for real: {@link dev.floe.raft.server.RaftServer}
 * owns the activities (consensus, persist, apply, callbacks, snapshot transfers) and the plugs, and
 * offers the embedding API — {@code submit}, {@code read}, {@code status}, {@code close}. Public
 * besides it: {@link dev.floe.raft.server.RaftServerOptions}, {@link dev.floe.raft.server.ServerStatus},
 * {@link dev.floe.raft.server.SnapshotOptions}, and the runtime SPI that a simulator implements,
 * {@link dev.floe.raft.server.Scheduler} (where activities run) and {@link dev.floe.raft.server.Clock}
 * (the time they run on). The rest is the machinery, one concept per file: the consensus loop and
 * its inputs, the persist pipeline (the Ready ordering contract), the applier, the matching of
 * proposals to applied entries, the ReadIndex bridge, the lease guard, the status board.
 */
package dev.floe.raft.server;
