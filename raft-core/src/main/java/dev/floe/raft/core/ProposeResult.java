package dev.floe.raft.core;

import dev.floe.raft.NodeId;
import java.util.Optional;

/**
 * The answer to a proposal: every proposal is either accepted at a log position or rejected with
 * a reason; nothing is dropped silently. Accepted does not mean committed: the entry commits, or
 * a later leader overwrites it (the caller sees a different entry committed at that index).
 */
public sealed interface ProposeResult {

    /** Appended to the leader's log at {@code index} in {@code term}. */
    record Accepted(long index, long term) implements ProposeResult {
    }

    /** Refused; {@code leaderHint} names the leader when this node knows it. */
    record Rejected(Reason reason, Optional<NodeId> leaderHint) implements ProposeResult {
    }

    /** Why a proposal was refused. */
    enum Reason {
        /** This node is not the leader; retry at {@code leaderHint} if present. */
        NOT_LEADER,
        /** Too many bytes are proposed but not yet committed: back off and retry. */
        BACKPRESSURE,
        /** A leadership transfer is in progress; retry at the new leader shortly. */
        LEADERSHIP_TRANSFER
    }
}
