package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import java.util.Map;
import java.util.Optional;

/**
 * A point-in-time view of one server, published by its consensus thread after every pass (so it
 * may be a few milliseconds old) and safe to read from any thread.
 *
 * @param id            this member
 * @param role          its role in {@code term}
 * @param term          its current term
 * @param leader        the leader it follows (itself when leading), if known
 * @param commitIndex   the highest log index it knows committed
 * @param appliedIndex  the highest index its state machine has applied
 * @param lastLogIndex  the last index in its log, durable or not
 * @param snapshotIndex the last index covered by a snapshot (the log starts after it); 0 without one
 * @param members       every member of the configuration in force and the address it serves clients on (where known)
 * @param config        the configuration in force: who votes, who is a learner, and during a joint
 *                      change (paper §6) the outgoing voters
 * @param followers     on the leader, each other member's replication state; empty elsewhere
 * @param running       whether the server is started and not closed
 */
public record ServerStatus(NodeId id, Role role, long term, Optional<NodeId> leader, long commitIndex,
                           long appliedIndex, long lastLogIndex, long snapshotIndex, Map<NodeId, Endpoint> members, ClusterConfig config,
                           Map<NodeId, Follower> followers, boolean running) {

    /**
     * Copies the maps into unmodifiable ones.
     *
     * @param id            this member
     * @param role          its role in {@code term}
     * @param term          its current term
     * @param leader        the leader it follows (itself when leading), if known
     * @param commitIndex   the highest log index it knows committed
     * @param appliedIndex  the highest index its state machine has applied
     * @param lastLogIndex  the last index in its log, durable or not
     * @param snapshotIndex the last index covered by a snapshot (the log starts after it); 0 without one
     * @param members       every member of the configuration in force and the address it serves clients on (where known)
     * @param config        the configuration in force: who votes, who is a learner, and during a joint change (paper §6) the outgoing voters
     * @param followers     on the leader, each other member's replication state; empty elsewhere
     * @param running       whether the server is started and not closed
     */
    public ServerStatus {
        members = Map.copyOf(members);
        followers = Map.copyOf(followers);
    }

    /**
     * Whether {@code member} votes in the configuration in force (false for learners and non-members).
     *
     * @param member a member id
     * @return whether it votes
     */
    public boolean isVoter(NodeId member) {
        return config.isVoter(member);
    }

    /**
     * Whether {@code member} is a learner: it receives the log, never votes (thesis §4.2.1).
     *
     * @param member a member id
     * @return whether it is a learner
     */
    public boolean isLearner(NodeId member) {
        return config.learners().contains(member);
    }

    /** {@return whether this member is the leader} */
    public boolean isLeader() {
        return role == Role.LEADER;
    }

    /** The role of a member in its current term (Raft paper §5.1; thesis §9.6 for pre-candidates). */
    public enum Role {
        /** Follows a leader, or waits for one. */
        FOLLOWER,
        /** Asking in a PreVote round whether it could win an election, without raising its term. */
        PRE_CANDIDATE,
        /** Campaigning for votes in a new term (paper §5.2). */
        CANDIDATE,
        /** Leads the term: the only member that appends to the log (paper §5.3). */
        LEADER
    }

    /**
     * What the leader knows of one follower.
     *
     * @param matchIndex the highest index known replicated on it
     * @param lag        how many entries of the leader's log it is missing ({@code lastLogIndex - matchIndex})
     */
    public record Follower(long matchIndex, long lag) {
    }
}
