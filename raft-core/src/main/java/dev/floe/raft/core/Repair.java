package dev.floe.raft.core;

/**
 * The repair of a member whose durable state is damaged or older than what it promised: its
 * hard-state file was lost or is older than its log, or it was restored from an old copy, or its
 * operator marked it for repair. Raft's safety rests on stable storage (paper §5.2, §5.4): a member
 * that forgot a vote may vote twice in one term, and one that lost acknowledged entries may vote
 * for a candidate missing committed entries. So while repairing, the member
 * <ul>
 *   <li>grants no vote and no pre-vote, never campaigns and ignores TimeoutNow, so it counts toward
 *       no election quorum;</li>
 *   <li>follows the leader as any follower does, and its acknowledgements still count: each one is
 *       true of its disk now. Known hole: a member that lost its hard state also lost its term, so
 *       it may acknowledge a leader deposed in a term it forgot (docs/operations.md, "storage faults
 *       and recovery"); closing it needs the member to learn every voter's term first;</li>
 *   <li>ends once its commit index reaches the leader's commit index as first heard in an
 *       AppendEntries after it came back, <em>and</em> holds an entry of the leader's term. The
 *       second condition covers a new leader whose commit index still lags the cluster's: once an
 *       entry of its term commits, every entry committed before it is at a lower index (Leader
 *       Completeness, §5.4.2). The commit index of a heartbeat is not used: the leader caps it at
 *       what it believes this member holds, which proves nothing about the cluster.</li>
 * </ul>
 * The flag is part of the hard state, so a restart in the middle of a repair resumes it. When it
 * ends, the member records a vote for the leader it follows in this term if it had none, so that a
 * delayed vote request of an election already lost in this term can never get its vote.
 */
final class Repair {
    private boolean active;
    /** The highest leader commit index heard in an AppendEntries while repairing; -1 until one arrives. */
    private long target = -1;

    Repair(boolean active) {
        this.active = active;
    }

    boolean active() {
        return active;
    }

    /** The commit index to reach, once known; -1 before the first AppendEntries from a leader. */
    long target() {
        return target;
    }

    /** A current leader's AppendEntries said its commit index is {@code leaderCommit}. */
    void heardLeaderCommit(long leaderCommit) {
        if (active) target = Math.max(target, leaderCommit);
    }

    /** Ends the repair if caught up; returns whether it just ended. */
    boolean finishIfCaughtUp(long committed, long committedTerm, long term) {
        if (!active || target < 0 || committed < target || committedTerm != term) return false;
        active = false;
        return true;
    }
}
