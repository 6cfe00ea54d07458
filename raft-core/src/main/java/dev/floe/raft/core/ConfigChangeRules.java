package dev.floe.raft.core;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which membership changes a leader may start, and how (thesis §4.1-4.3, paper §6). Pure functions.
 * <ul>
 *   <li>A change whose voters differ from the current ones by at most one member is applied
 *       directly (single-server change: any two majorities of the old and new configurations overlap).</li>
 *   <li>Anything larger goes through joint consensus: the leader first appends C<sub>old,new</sub>,
 *       in which decisions need majorities of both, and once that commits appends C<sub>new</sub>.</li>
 *   <li>Learners may be added and removed freely; they never count toward a quorum.</li>
 * </ul>
 */
final class ConfigChangeRules {
    private ConfigChangeRules() {
    }

    /** The configuration entry to append for a request to move from {@code current} to {@code target}, or why not. */
    static Result plan(ClusterConfig current, ClusterConfig target) {
        if (current.isJoint()) return new Result.Invalid("a joint configuration is still being left");
        if (target.isJoint()) return new Result.Invalid("the target must be a plain configuration (voters and learners)");
        if (target.voters().isEmpty()) return new Result.Invalid("the configuration would have no voters");
        if (target.equals(current)) return new Result.Invalid("the configuration is already " + current);
        SortedSet<NodeId> added = new TreeSet<>(target.voters());
        added.removeAll(current.voters());
        SortedSet<NodeId> removed = new TreeSet<>(current.voters());
        removed.removeAll(target.voters());
        for (NodeId id : removed) {
            if (target.learners().contains(id)) {
                return new Result.Invalid(id + " cannot go from voter to learner in one change: remove it, then add it as a learner");
            }
        }
        if (added.size() + removed.size() <= 1) return new Result.Direct(target);
        // A valid joint configuration: the loop above refused the only overlap it could have (a
        // learner of the target that is a voter of the current configuration).
        return new Result.Joint(new ClusterConfig(target.voters(), current.voters(), target.learners()));
    }

    /** The configuration that leaves {@code joint}: its incoming half. */
    static ClusterConfig leaveJoint(ClusterConfig joint) {
        return new ClusterConfig(joint.voters(), new TreeSet<>(), joint.learners());
    }

    /** What {@link #plan} decided. */
    sealed interface Result {
        record Direct(ClusterConfig next) implements Result {
        }

        record Joint(ClusterConfig joint) implements Result {
        }

        record Invalid(String reason) implements Result {
        }

        default Optional<ClusterConfig> entryConfig() {
            if (this instanceof Direct d) return Optional.of(d.next());
            if (this instanceof Joint j) return Optional.of(j.joint());
            return Optional.empty();
        }
    }
}
