package dev.floe.raft.core;

import dev.floe.raft.NodeId;
import java.util.Map;
import java.util.Optional;

/**
 * A point-in-time view of one node's consensus state, for monitoring and tests.
 *
 * @param snapshotIndex the last index covered by the latest snapshot (the log starts after it)
 * @param followers on the leader, each other member's replication state; empty elsewhere
 * @param repairing whether it is repairing damaged durable state and so does not vote (see {@code HardState})
 */
public record Status(NodeId id, Role role, long term, Optional<NodeId> leader, long commitIndex, long appliedIndex,
                     long lastIndex, long durableIndex, long snapshotIndex, Map<NodeId, FollowerStatus> followers,
                     boolean repairing) {

    /** What the leader knows of one follower. */
    public record FollowerStatus(long matchIndex, long nextIndex, String state, boolean learner) {
    }
}
