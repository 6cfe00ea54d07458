package dev.floe.raft;

import java.util.Optional;

/**
 * The small state Raft must keep on stable storage besides the log (Raft paper, Figure 2):
 * the latest term this node has seen and whom it voted for in that term; and whether the node is
 * {@code repairing}: its durable state was found damaged or older than what it had promised, so it
 * must not vote or campaign until it has caught up with a leader (see
 * {@code docs/operations.md}, "storage faults and recovery"). A store must keep all three.
 *
 * @param term      the latest term this node has seen
 * @param votedFor  whom it voted for in {@code term}, if anyone
 * @param repairing whether the node must not vote or campaign until it has caught up
 */
public record HardState(long term, Optional<NodeId> votedFor, boolean repairing) {
    /** The state of a node that has never run. */
    public static final HardState INITIAL = new HardState(0, Optional.empty());

    /**
     * A hard state of a node that is not repairing.
     *
     * @param term     the latest term this node has seen
     * @param votedFor whom it voted for in {@code term}, if anyone
     */
    public HardState(long term, Optional<NodeId> votedFor) {
        this(term, votedFor, false);
    }

    /**
     * Checks the term.
     *
     * @param term      the latest term this node has seen
     * @param votedFor  whom it voted for in {@code term}, if anyone
     * @param repairing whether the node must not vote or campaign until it has caught up
     * @throws IllegalArgumentException if the term is negative
     */
    public HardState {
        if (term < 0) throw new IllegalArgumentException("term must be >= 0: " + term);
        if (votedFor == null) throw new NullPointerException("votedFor");
    }

    @Override
    public String toString() {
        return "HardState{term=" + term + ", vote=" + votedFor.map(NodeId::value).orElse("-") + (repairing ? ", repairing" : "") + "}";
    }
}
