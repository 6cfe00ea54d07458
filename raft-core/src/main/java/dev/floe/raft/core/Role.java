package dev.floe.raft.core;

/** The role a member plays in its current term (Raft paper §5.1, thesis §9.6 for pre-candidates). */
public enum Role {
    FOLLOWER,
    /** Campaigning in the PreVote round: asks whether it could win, without raising its term. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
