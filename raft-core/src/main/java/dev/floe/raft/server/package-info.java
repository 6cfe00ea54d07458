/**
 * The runtime that runs the pure consensus core for real: {@link dev.floe.raft.server.RaftServer}
 * owns the threads (consensus, persist, apply), the clock and the plugs, and offers the embedding
 * API — {@code submit}, {@code read}, {@code status}, {@code close}. Only
 * {@link dev.floe.raft.server.RaftServer}, {@link dev.floe.raft.server.RaftServerOptions} and
 * {@link dev.floe.raft.server.ServerStatus} are public; the rest is the machinery, one concept per
 * file: the consensus loop and its inputs, the persist pipeline (the Ready ordering contract), the
 * applier, the matching of proposals to applied entries, the ReadIndex bridge, the status board.
 */
package dev.floe.raft.server;
