package dev.floe.raft.testkit;

import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;

/**
 * The replicas of one Raft group in a simulation, as {@link RaftInvariants} watches them: the
 * members of a {@link SimCluster}, or one group's members spread over the simulated hosts of a
 * {@link SimHostCluster}. Replicas are numbered from 0; a replica keeps its number (and its disk)
 * across crashes and restarts of its process.
 */
interface SimGroup {

    /** {@return how many replicas the group can have} */
    int size();

    /** {@return the running server of replica {@code i}, or null while it is down} */
    RaftServer server(int i);

    /** {@return the disk of replica {@code i}, which outlives its processes} */
    SimDisk disk(int i);

    /** {@return the member id of replica {@code i}} */
    NodeId id(int i);

    /** {@return the replica of member {@code id}, or -1} */
    int indexOf(NodeId id);

    /** {@return the running, unpaused replica that leads the highest term, or -1} */
    int leader();

    /** Replica {@code i} was just seen leading {@code term}, which it did not lead before. */
    void leaderElected(int i, long term);

    /** {@return one line per replica: down, or its status} */
    String describeNodes();

    /** {@return how long the heal phase lasts, in simulated milliseconds} */
    long healMillis();
}
