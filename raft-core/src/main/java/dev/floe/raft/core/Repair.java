package dev.floe.raft.core;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import java.util.HashSet;
import java.util.Set;
import java.util.SortedSet;

/**
 * The repair of a member whose durable state is damaged or older than what it promised: its
 * hard-state file was lost or is older than its log, or it was restored from an old copy, or its
 * operator marked it for repair. Raft's safety rests on stable storage (paper §5.2, §5.4): a member
 * that forgot a vote may vote twice in one term, and one that lost acknowledged entries may vote
 * for a candidate missing committed entries. So while repairing, the member
 * <ul>
 *   <li>grants no vote and no pre-vote, never campaigns and ignores TimeoutNow, so it counts toward
 *       no election quorum;</li>
 *   <li>first <em>learns its term back</em>: it lost the highest term it joined along with its hard
 *       state, and a leader deposed in that forgotten term could otherwise count its
 *       acknowledgements toward commitment (or its lease) and commit an entry that conflicts with
 *       the newer leader's. So it acknowledges nothing and follows no leader until it has the
 *       current term (from a {@link dev.floe.raft.message.TermProbe}) of enough other voters that
 *       they meet every quorum: in a voter set of {@code n} that includes it, {@code n - majority + 1}
 *       of the others (two of the other two in a group of three). The newer leader's election quorum
 *       held its term, every member of it still holds that term or a higher one, and the answers
 *       include one of them, so afterwards the member's term is at least as high as any it joined
 *       and the deposed leader's messages are stale to it (§5.1). A probe round carries an id, so an
 *       answer from before the restart is not counted;</li>
 *  <li>then follows the leader as any follower does, and its acknowledgements count: each one is
 *       true of its disk now;</li>
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
    /** False while the member still learns its term back: it acknowledges no leader until then. */
    private boolean termLearned;
    /** This round of term probes; answers carrying another id are from an earlier life. */
    private final long probeId;
    /** Voters whose current term reached us in answer to this round. */
    private final Set<NodeId> answered = new HashSet<>();
    private int ticksSinceProbe = Integer.MAX_VALUE;

    Repair(boolean active, long probeId) {
        this.active = active;
        this.termLearned = !active;
        this.probeId = probeId;
    }

    /** Whether the member still learns its term back (and so must not acknowledge any leader). */
    boolean learningTerm() {
        return active && !termLearned;
    }

    long probeId() {
        return probeId;
    }

    /** Counts a tick; true when the probes are due again (at once, then every {@code intervalTicks}). */
    boolean probeDue(int intervalTicks) {
        if (!learningTerm()) return false;
        if (ticksSinceProbe < intervalTicks) {
            ticksSinceProbe++;
            return false;
        }
        ticksSinceProbe = 1;
        return true;
    }

    /** Whether {@code voter} still owes an answer to this round. */
    boolean awaits(NodeId voter) {
        return !answered.contains(voter);
    }

    /** {@code from} answered probe round {@code id}; its term was already taken in by the caller. */
    void heardTerm(NodeId from, long id) {
        if (learningTerm() && id == probeId) answered.add(from);
    }

    /** Ends the learning of our term once the answers meet every quorum of {@code config}; true if it just ended. */
    boolean finishLearningTerm(NodeId self, ClusterConfig config) {
        if (!learningTerm()) return false;
        if (!meetsEveryQuorum(self, config.voters()) || !meetsEveryQuorum(self, config.votersOutgoing())) return false;
        termLearned = true;
        return true;
    }

    /** The others who answered meet every majority of {@code voters} that could include us. */
    private boolean meetsEveryQuorum(NodeId self, SortedSet<NodeId> voters) {
        if (!voters.contains(self)) return true; // our acknowledgements count toward no quorum of this set
        int n = voters.size();
        int majority = n / 2 + 1;
        long others = answered.stream().filter(v -> !v.equals(self) && voters.contains(v)).count();
        return others >= n - majority + 1;
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
