package dev.floe.raft.testkit;

import dev.floe.raft.NodeId;
import dev.floe.raft.core.RaftNode;
import dev.floe.raft.core.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** One simulated member: its disk survives crashes; its {@link RaftNode} and applied state do not. */
final class SimNode {
    final int index;
    final NodeId id;
    final SimDisk disk = new SimDisk();
    RaftNode raft;
    boolean up;
    /** Bumped at every crash, so disk completions of a dead incarnation are ignored. */
    int incarnation;
    /** Last index applied by this incarnation's state machine. */
    long applied;
    /** Applied index of this node's last snapshot. */
    long lastSnapshotAt;
    /** Highest commit index checked for a quorum while this node led. */
    long lastCommitChecked;
    /** Last commit index seen in this incarnation (must never go down). */
    long lastCommit;
    Role lastRole = Role.FOLLOWER;
    /** Reads started here, by request id, waiting for their ReadState. */
    final Map<Long, SimRead> pendingReads = new HashMap<>();
    /** Reads with a read index, waiting until this node has applied it. */
    final List<SimRead> waitingReads = new ArrayList<>();
    /** A fault armed to crash this node right after it issues its next disk write. */
    boolean crashOnNextWrite;
    long lastTerm;

    SimNode(int index, NodeId id) {
        this.index = index;
        this.id = id;
    }

    void start(Simulation sim) {
        up = true;
        // The state machine restarts from the stored snapshot, if any, and replays the log after it.
        applied = disk.snapshot().map(s -> s.meta().lastIndex()).orElse(0L);
        lastSnapshotAt = applied;
        lastCommit = 0;
        lastRole = Role.FOLLOWER;
        raft = RaftNode.create(sim.config.options(), id,
                disk.snapshot().map(s -> s.meta().config()).orElse(sim.membership),
                disk.durableHardState(), disk.log(), applied, new SplittableRandom(sim.random.nextLong()));
        lastTerm = raft.term();
        lastCommit = raft.commitIndex();
        lastCommitChecked = lastCommit;
    }

    void crash(Simulation sim) {
        pendingReads.clear();
        waitingReads.clear();
        up = false;
        crashOnNextWrite = false;
        incarnation++;
        disk.crash(sim.random);
    }

    void restart(Simulation sim) {
        start(sim);
    }
}
