package dev.floe.raft.server;

import dev.floe.raft.Bytes;

/** A command waiting to be proposed, then to be committed and applied. */
final class PendingWrite extends Pending {
    final Bytes command;
    /**
     * The log position the leader gave the command: 0 until proposed. Written and read by the
     * consensus thread; the applier sees it through {@link Proposals}' concurrent map.
     */
    long index;
    long term;

    PendingWrite(Bytes command, long deadlineNanos) {
        super(deadlineNanos);
        this.command = command;
    }

    boolean proposed() {
        return index > 0;
    }
}
