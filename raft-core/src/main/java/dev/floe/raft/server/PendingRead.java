package dev.floe.raft.server;

import dev.floe.raft.Bytes;

/** A read-only query waiting for ReadIndex confirmation, then for the state machine to catch up. */
final class PendingRead extends Pending {
    final Bytes query;
    /** The id the consensus thread gave the read in the core's ReadIndex protocol: 0 until requested. */
    long requestId;

    PendingRead(Bytes query, long deadlineNanos) {
        super(deadlineNanos);
        this.query = query;
    }
}
