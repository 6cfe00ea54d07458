package dev.floe.raft.core;

import dev.floe.raft.NodeId;
import java.util.Optional;

/**
 * The outcome of {@link RaftNode#readIndex(long)}: the linearizable-read protocol of thesis §6.4.
 */
public sealed interface ReadState {

    /** The caller's id for the read. */
    long requestId();

    /**
     * Leadership was confirmed by a quorum after the read arrived, when the commit index was
     * {@code readIndex}: once the state machine has applied {@code readIndex}, a query reflects
     * every write that completed before the read started.
     */
    record Ready(long requestId, long readIndex) implements ReadState {
    }

    /** No leader could confirm the read (none known, leadership lost); retry, at {@code leaderHint} if known. */
    record Rejected(long requestId, Optional<NodeId> leaderHint) implements ReadState {
    }
}
