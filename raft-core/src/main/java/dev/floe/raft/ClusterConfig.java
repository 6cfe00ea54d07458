package dev.floe.raft;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The members of a Raft group: the voters, the learners (receive the log, never vote), and during
 * a joint-consensus change (Raft paper §6) the outgoing voters of the old configuration. Outside a
 * change {@code votersOutgoing} is empty. Sets are sorted so iteration is deterministic.
 *
 * @param voters         the voting members (of the new configuration, during a change)
 * @param votersOutgoing the voters of the old configuration during a joint change; else empty
 * @param learners       members that receive the log but never vote
 */
public record ClusterConfig(SortedSet<NodeId> voters, SortedSet<NodeId> votersOutgoing, SortedSet<NodeId> learners) {

    /**
     * Copies the sets into sorted, unmodifiable ones.
     *
     * @param voters         the voting members (of the new configuration, during a change)
     * @param votersOutgoing the voters of the old configuration during a joint change; else empty
     * @param learners       members that receive the log but never vote
     * @throws IllegalArgumentException if a member is both a voter and a learner
     */
    public ClusterConfig {
        voters = sortedCopy(voters);
        votersOutgoing = sortedCopy(votersOutgoing);
        learners = sortedCopy(learners);
        for (NodeId learner : learners) {
            if (voters.contains(learner) || votersOutgoing.contains(learner)) {
                throw new IllegalArgumentException(learner + " cannot be both a voter and a learner");
            }
        }
    }

    /**
     * A configuration of {@code voters} and no learners.
     *
     * @param voters the voting members
     * @return the configuration
     */
    public static ClusterConfig ofVoters(Collection<NodeId> voters) {
        return new ClusterConfig(new TreeSet<>(voters), new TreeSet<>(), new TreeSet<>());
    }

    /**
     * A configuration of {@code voters} and no learners.
     *
     * @param voters the voting members' ids
     * @return the configuration
     */
    public static ClusterConfig ofVoters(String... voters) {
        TreeSet<NodeId> ids = new TreeSet<>();
        for (String v : voters) ids.add(NodeId.of(v));
        return ofVoters(ids);
    }

    /** {@return the configuration before any member is known (a node waiting to be added)} */
    public static ClusterConfig empty() {
        return new ClusterConfig(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    }

    /** {@return whether a joint-consensus change is in progress} */
    public boolean isJoint() {
        return !votersOutgoing.isEmpty();
    }

    /**
     * Whether {@code id} votes in this configuration (in either half of a joint one).
     *
     * @param id a member id
     * @return whether it votes
     */
    public boolean isVoter(NodeId id) {
        return voters.contains(id) || votersOutgoing.contains(id);
    }

    /**
     * Whether {@code id} is a member at all.
     *
     * @param id a member id
     * @return whether it is a voter or a learner
     */
    public boolean contains(NodeId id) {
        return isVoter(id) || learners.contains(id);
    }

    /** {@return every member, voters first, sorted within each group, without duplicates} */
    public SortedSet<NodeId> allMembers() {
        TreeSet<NodeId> all = new TreeSet<>(voters);
        all.addAll(votersOutgoing);
        all.addAll(learners);
        return Collections.unmodifiableSortedSet(all);
    }

    private static SortedSet<NodeId> sortedCopy(SortedSet<NodeId> set) {
        if (set == null) throw new NullPointerException("member set");
        return Collections.unmodifiableSortedSet(new TreeSet<>(set));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{voters=").append(voters);
        if (isJoint()) sb.append(" outgoing=").append(votersOutgoing);
        if (!learners.isEmpty()) sb.append(" learners=").append(learners);
        return sb.append('}').toString();
    }
}
