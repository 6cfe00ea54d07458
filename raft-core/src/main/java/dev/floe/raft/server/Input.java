package dev.floe.raft.server;

import dev.floe.raft.message.Message;

/**
 * What other threads hand to the consensus thread, through its one MPSC queue. Nothing else
 * reaches the core: the consensus thread turns each input into calls on the {@code RaftNode}.
 */
sealed interface Input {

    /** A message from another member, queued by a transport thread. */
    record Received(Message message) implements Input {
    }

    /**
     * A snapshot received from the leader, stored and verified: the final chunk to step into the core,
     * and the member addresses that travelled in it (the CONFIG entries that carried them may be
     * compacted away, and a transport only talks to members it knows).
     */
    record SnapshotReceived(dev.floe.raft.message.SnapshotRequest finalChunk, dev.floe.raft.Bytes configContext) implements Input {
    }

    /** A command from {@code submit}, to propose. */
    record Propose(PendingWrite write) implements Input {
    }

    /** A query from {@code read}, to confirm with ReadIndex. */
    record Read(PendingRead read) implements Input {
    }

    /** A query from {@code read(query, LEASE)}: served from the leader's lease if it has one, else by ReadIndex. */
    record LeaseRead(PendingRead read) implements Input {
    }

    /** A query from {@code read(query, STALE)}: serve from the local state machine as it is. */
    record StaleRead(PendingRead read) implements Input {
    }

    /** The persist pipeline made the log durable up to {@code index}, whose entry had {@code term}. */
    record Persisted(long index, long term) implements Input {
    }

    /** The applier committed a snapshot ending at {@code snapshotIndex}: compact the log behind it (paper §7). */
    record Compact(long snapshotIndex, java.util.concurrent.CompletableFuture<Long> done) implements Input {
    }

    /** The log-reader activity read {@code entries} for {@code read} (none if they were compacted meanwhile). */
    record EntriesRead(dev.floe.raft.core.LogRead read, java.util.List<dev.floe.raft.Entry> entries) implements Input {
    }

    /** A snapshot transfer to {@code peer} ended: report it to the core. */
    record SnapshotSent(dev.floe.raft.NodeId peer, boolean success) implements Input {
    }

    /** The host's failure detector finds {@code peer} silent (see {@code RaftServer.peerSuspected}). */
    record PeerSuspected(dev.floe.raft.NodeId peer) implements Input {
    }

    /** Nothing to hand over: the loop should run a pass (a membership request was queued beside the inputs). */
    record Wake() implements Input {
    }

    /** Leave the loop: the server is closing. */
    record Stop() implements Input {
    }
}
