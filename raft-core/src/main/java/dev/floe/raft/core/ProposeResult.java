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

    /** Refused; {@code leaderHint} names the leader when this node knows it; {@code detail} explains. */
    record Rejected(Reason reason, Optional<NodeId> leaderHint, String detail) implements ProposeResult {
        public Rejected(Reason reason, Optional<NodeId> leaderHint) {
            this(reason, leaderHint, reason.description);
        }
    }

    /** Why a proposal was refused. */
    enum Reason {
        /** This node is not the leader; retry at {@code leaderHint} if present. */
        NOT_LEADER("not the leader"),
        /** Too many bytes are proposed but not yet committed: back off and retry. */
        BACKPRESSURE("too many uncommitted proposals"),
        /** A leadership transfer is in progress; retry at the new leader shortly. */
        LEADERSHIP_TRANSFER("a leadership transfer is in progress"),
        /** Another membership change is not yet committed, or the new leader has not committed its first entry. */
        CONFIG_CHANGE_IN_PROGRESS("another configuration change is in progress"),
        /** The requested membership change is not allowed (see {@code detail}). */
        INVALID_CONFIG_CHANGE("invalid configuration change");

        final String description;

        Reason(String description) {
            this.description = description;
        }
    }
}
