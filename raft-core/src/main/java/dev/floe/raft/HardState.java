package dev.floe.raft;

import java.util.Optional;

/**
 * The small state Raft must keep on stable storage besides the log (Raft paper, Figure 2):
 * the latest term this node has seen and whom it voted for in that term.
 */
public record HardState(long term, Optional<NodeId> votedFor) {
    /** The state of a node that has never run. */
    public static final HardState INITIAL = new HardState(0, Optional.empty());

    public HardState {
        if (term < 0) throw new IllegalArgumentException("term must be >= 0: " + term);
        if (votedFor == null) throw new NullPointerException("votedFor");
    }

    @Override
    public String toString() {
        return "HardState{term=" + term + ", vote=" + votedFor.map(NodeId::value).orElse("-") + "}";
    }
}
