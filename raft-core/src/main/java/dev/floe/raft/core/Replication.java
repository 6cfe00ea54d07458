package dev.floe.raft.core;

import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's half of log replication (Raft paper §5.3): per-follower {@link Progress}, batched
 * and pipelined AppendRequests, the conflict-hint repair, heartbeats, the commit rule and
 * CheckQuorum. Exists only while its node leads; a new term means a new instance.
 */
final class Replication {
    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
    private final RaftNode node;
    private final RaftLog log;
    private final RaftOptions options;
    /** One entry per other member (voters and learners), in id order. */
    private final TreeMap<NodeId, Progress> progress = new TreeMap<>();
    /** New entries were appended since the last flush: followers should get them. */
    private boolean entriesPending;
    /** The commit index moved since the last flush: idle followers should hear of it. */
    private boolean commitPending;
    private final UncommittedBytes uncommitted = new UncommittedBytes();
    private final ReadIndexQueue reads = new ReadIndexQueue();
    /**
     * Whether a quorum answered during the last full election timeout (true right after winning an
     * election): while it holds, the leader disregards disruptive vote requests (thesis §4.2.3).
     */
    boolean leaseValid = true;
    /** Ticks since this node became leader. */
    private long ticks;
    private static final int ROUND_HISTORY = 64;
    /** Send tick of recent heartbeat rounds, by round number modulo the history size. */
    private final long[] roundSentAt = new long[ROUND_HISTORY];
    private final long[] roundNumbers = new long[ROUND_HISTORY];
    /** Consecutive leader ticks the group has been idle and caught up (quiescence). */
    private int idleTicks;

    Replication(RaftNode node, RaftLog log, RaftOptions options) {
        this.node = node;
        this.log = log;
        this.options = options;
        long next = log.lastIndex() + 1;
        for (NodeId member : node.config().allMembers()) {
            if (!member.equals(node.id())) {
                progress.put(member, new Progress(next, node.config().learners().contains(member), options));
            }
        }
    }

    /**
     * The configuration in force changed: track new members (starting with a probe at our last
     * index), forget removed ones, and update who is a learner.
     */
    void reconfigure(dev.floe.raft.ClusterConfig config) {
        progress.keySet().removeIf(id -> !config.contains(id));
        for (NodeId member : config.allMembers()) {
            if (member.equals(node.id())) continue;
            Progress pr = progress.get(member);
            if (pr == null) {
                Progress fresh = new Progress(log.lastIndex(), config.learners().contains(member), options);
                // A member added a moment ago had no chance to answer yet: counting it silent would
                // let CheckQuorum (thesis §6.2) depose a healthy leader right after the change (etcd/raft
                // marks new progress recently active for the same reason).
                fresh.recentActive = true;
                progress.put(member, fresh);
            } else {
                pr.learner = config.learners().contains(member);
            }
        }
        entriesPending = true;
    }

    Map<NodeId, Progress> progress() {
        return progress;
    }

    ReadIndexQueue reads() {
        return reads;
    }

    /** Appends a new entry of the leader's term; followers receive it at the next flush. */
    void appendNew(Entry entry) {
        idleTicks = 0;
        log.appendAsLeader(entry);
        uncommitted.add(entry.index(), entry.sizeBytes());
        entriesPending = true;
    }

    long uncommittedBytes() {
        return uncommitted.total();
    }

    boolean hasPendingBroadcast() {
        return entriesPending || commitPending || reads.hasRoundToSend();
    }

    /**
     * Sends what accumulated since the last flush. Deferring the broadcast to here batches every
     * proposal made in between into one AppendRequest per follower.
     */
    void flush() {
        if (entriesPending) {
            for (NodeId peer : progress.keySet()) {
                sendAppends(peer);
            }
        }
        if (commitPending) {
            // Tell caught-up, idle followers the new commit index with an empty append; the others
            // learn it from the entries already on their way or the next heartbeat.
            long last = log.lastIndex();
            for (Map.Entry<NodeId, Progress> e : progress.entrySet()) {
                Progress pr = e.getValue();
                if (pr.match == last && pr.next == last + 1 && !pr.isPaused()) {
                    sendAppend(e.getKey(), pr, true);
                }
            }
        }
        entriesPending = false;
        commitPending = false;
        if (reads.hasRoundToSend()) {
            // One heartbeat round confirms leadership for every read registered since the last one.
            broadcastHeartbeat();
        }
    }

    /** Sends as many batches to {@code peer} as its state and window allow. */
    private void sendAppends(NodeId peer) {
        Progress pr = progress.get(peer);
        if (pr == null) return; // no longer a member
        while (sendAppend(peer, pr, false)) {
            // keep streaming while in REPLICATE with room in the window
        }
    }

    /**
     * Sends one AppendRequest from {@code pr.next}, unless paused. Returns true when entries were
     * sent (the caller may try again for the next batch).
     */
    private boolean sendAppend(NodeId peer, Progress pr, boolean sendIfEmpty) {
        if (pr.isPaused()) return false;
        long prevIndex = pr.next - 1;
        if (prevIndex < log.snapshotIndex()) {
            // The follower needs entries we compacted away: only a snapshot can help (paper §7).
            // Until the transfer ends, nothing else is sent to it (SNAPSHOT state pauses sending).
            pr.becomeSnapshot(log.snapshotIndex());
            node.needSnapshot(peer);
            return false;
        }
        List<Entry> entries = log.slice(pr.next, log.lastIndex() + 1, options.maxMessageBytes());
        if (entries == null) {
            // Durable and not in memory: the caller reads them off the consensus thread, and this
            // follower waits for them (entriesArrived) while heartbeats and other followers go on.
            pr.awaitingRead = true;
            return false;
        }
        if (entries.isEmpty() && !sendIfEmpty) return false;
        long bytes = 0;
        for (Entry e : entries) bytes += e.sizeBytes();
        node.send(new AppendRequest(node.id(), peer, node.term(), prevIndex, log.term(prevIndex), entries, log.committed()));
        pr.sentEntries(prevIndex + entries.size(), entries.size(), bytes);
        return !entries.isEmpty();
    }

    /** Log entries the caller read arrived: followers waiting for entries try again (the read may serve several). */
    void entriesArrived() {
        for (Map.Entry<NodeId, Progress> e : progress.entrySet()) {
            Progress pr = e.getValue();
            if (!pr.awaitingRead) continue;
            pr.awaitingRead = false;
            sendAppends(e.getKey());
        }
    }

    /**
     * Has the next flush send caught-up, idle followers an empty append, as after a commit: its
     * consistency check lets them commit what heartbeats alone may not (see RaftNode's verifiedIndex).
     */
    void verifyIdleFollowers() {
        commitPending = true;
    }

    /**
     * Sends TimeoutNow to {@code peer} if its log is as long as ours (thesis §3.10); otherwise nudges
     * its replication, and {@link RaftNode#onFollowerCaughtUp} calls again once it has caught up.
     */
    void sendTimeoutNowIfCaughtUp(NodeId peer) {
        Progress pr = progress.get(peer);
        if (pr == null || pr.match != log.lastIndex()) {
            if (pr != null) sendAppends(peer);
            return;
        }
        node.send(new dev.floe.raft.message.TimeoutNow(node.id(), peer, node.term()));
    }

    /**
     * Heartbeats to every member (Raft paper §5.2), each with the commit index capped at its match,
     * numbered as a new round: answers to it confirm pending reads and renew the lease.
     */
    void broadcastHeartbeat() {
        long round = reads.nextRound();
        roundSentAt[(int) (round % ROUND_HISTORY)] = ticks;
        roundNumbers[(int) (round % ROUND_HISTORY)] = round;
        for (Map.Entry<NodeId, Progress> e : progress.entrySet()) {
            long commit = Math.min(e.getValue().match, log.committed());
            node.send(new HeartbeatRequest(node.id(), e.getKey(), node.term(), commit, round));
        }
    }

    /** A client read or another request arrived: the group is not idle. */
    void active() {
        idleTicks = 0;
    }

    /** What an idle leader does this tick (see {@link #idleFor}). */
    enum Quiet { NO, HOLD_HEARTBEATS, NOW }

    /**
     * Counts one more tick of idleness, given the leader's own half ({@code leaderIdle}). Idle: every
     * member (voters and learners) acknowledged the leader's last index and nothing is in flight to
     * it, no read is pending, no new entry waits to be sent. After {@code needed} idle ticks the
     * leader holds its heartbeats until every member answered the last round it sent ({@link Quiet#NOW}):
     * then no heartbeat of ours is left in flight to arrive after the quiesce request and wake a
     * follower beside a sleeping leader (where it would time out for nothing). A member that does not
     * answer within half the election timeout left after a heartbeat period keeps the group awake: heartbeats resume and the count
     * starts over (quiescing without it would leave it to time out and wake the group again, and its
     * failure should be noticed by ticks).
     */
    Quiet idleFor(int needed, boolean leaderIdle, int electionTicks) {
        if (!leaderIdle || !reads.idle() || entriesPending || !followersCaughtUp()) {
            idleTicks = 0;
            return Quiet.NO;
        }
        if (++idleTicks <= needed) return Quiet.NO;
        long last = reads.lastRound();
        boolean allAnswered = true;
        for (NodeId peer : progress.keySet()) {
            if (reads.answeredRound(peer) < last) {
                allAnswered = false;
                break;
            }
        }
        if (allAnswered) return Quiet.NOW;
        // Held heartbeats must not let a follower's election timer run out: the hold ends well before.
        if (idleTicks > needed + Math.max(1, (electionTicks - options.heartbeatTicks()) / 2)) {
            idleTicks = 0;
            return Quiet.NO;
        }
        return Quiet.HOLD_HEARTBEATS;
    }

    private boolean followersCaughtUp() {
        long last = log.lastIndex();
        for (Progress pr : progress.values()) {
            if (pr.match != last || pr.state != Progress.State.REPLICATE || pr.inflights.count() != 0) return false;
        }
        return true;
    }

    /**
     * The quiesce request to every member: an empty append at our last index with the commit index
     * there too (see RaftNode#quiesceLeader). It verifies each follower's whole log like the empty
     * append of {@link #verifyIdleFollowers()}.
     */
    void broadcastQuiesce() {
        long last = log.lastIndex();
        long lastTerm = log.term(last);
        for (NodeId peer : progress.keySet()) {
            node.send(new AppendRequest(node.id(), peer, node.term(), last, lastTerm, List.of(), log.committed(), true));
        }
        idleTicks = 0;
    }

    /**
     * The leader wakes from quiescence. Every acknowledgement it holds was sent before it slept, an
     * unknown time ago: the lease clock moves an election timeout ahead so none of them can back a
     * lease read any more (thesis §6.4.1), and CheckQuorum (thesis §6.2) starts a fresh round in
     * which every member must be heard again.
     */
    void woke(int electionTicks) {
        ticks += electionTicks;
        idleTicks = 0;
        for (Progress pr : progress.values()) pr.recentActive = false;
    }

    /** One leader tick (for lease bookkeeping). */
    void tick() {
        ticks++;
    }

    /**
     * The tick at which the lease started by the quorum's acknowledgements began: the send time of
     * the newest round that a quorum of voters (both halves if joint) has answered, the leader
     * counting itself as of now (thesis §6.4.1). Send times only: a follower heard us no earlier.
     */
    long leaseStart() {
        NodeId self = node.id();
        return Quorum.jointCommittedIndex(node.config().voters(), node.config().votersOutgoing(), id -> {
            if (id.equals(self)) return ticks;
            Progress pr = progress.get(id);
            return pr == null ? Long.MIN_VALUE / 2 : pr.leaseAckTick;
        });
    }

    long ticks() {
        return ticks;
    }

    void onAppendResponse(AppendResponse m) {
        Progress pr = progress.get(m.from());
        if (pr == null) return;
        pr.recentActive = true;
        if (!m.success()) {
            if (provesLostEntries(pr, m)) {
                long resumeAt = Math.min(m.rejectedIndex(), nextFromHint(m));
                LOG.warn("{} [term {}] {} lost entries it had acknowledged: its log {} but it had acknowledged up to {}; "
                                + "repairing it from index {}", node.id(), node.term(), m.from(),
                        "ends at " + (m.hintIndex() - 1),
                        pr.match, resumeAt);
                pr.lostAcknowledgedEntries(resumeAt);
                sendAppends(m.from());
                return;
            }
            if (pr.maybeDecreaseTo(m.rejectedIndex(), nextFromHint(m))) {
                if (pr.state == Progress.State.REPLICATE) pr.becomeProbe();
                sendAppends(m.from());
            }
            return;
        }
        if (pr.maybeUpdate(m.matchIndex())) {
            pr.matchRound = reads.lastRound() + 1;
            switch (pr.state) {
                case PROBE -> pr.becomeReplicate();
                case REPLICATE -> pr.inflights.freeUpTo(m.matchIndex());
                case SNAPSHOT -> {
                    if (pr.match >= pr.pendingSnapshot) pr.becomeProbe();
                }
            }
            maybeCommit();
            // Committing may end our leadership (a configuration without us committed).
            if (!node.isLeading(this)) return;
            if (pr.match == log.lastIndex()) node.onFollowerCaughtUp(m.from());
        }
        sendAppends(m.from());
    }

    /**
     * Whether rejection {@code m} proves the follower lost entries it had acknowledged: it was written
     * after the acknowledgement of {@code pr.match} (it carries a heartbeat round we sent after
     * recording that match), yet its log ends before match. (A term mismatch at or below match is not
     * used: it produced false alarms in RaftClusterTest and is left for the storage-fault work.) A
     * rejection without such a round may be a late answer to a request sent before the follower had
     * those entries (pipelining, reordering) and says nothing about its log now.
     */
    private static boolean provesLostEntries(Progress pr, AppendResponse m) {
        if (pr.match == 0 || m.heardRound() < pr.matchRound) return false;
        return m.hintTerm() == 0 && m.hintIndex() <= pr.match;
    }

    /**
     * Where to retry after a rejection, from the follower's conflict hint (paper §5.3): if we hold
     * entries of the follower's conflicting term that reach into its run of that term, our logs
     * agree up to our last entry of that term; otherwise skip the follower's whole run of it.
     */
    private long nextFromHint(AppendResponse m) {
        if (m.hintTerm() > 0) {
            long ours = log.lastIndexOfTerm(m.hintTerm(), m.rejectedIndex());
            if (ours >= m.hintIndex()) return ours + 1;
        }
        return m.hintIndex();
    }

    /** The caller finished a snapshot transfer to {@code peer}. */
    void snapshotDone(NodeId peer, boolean success) {
        Progress pr = progress.get(peer);
        if (pr == null || pr.state != Progress.State.SNAPSHOT) return;
        if (!success) pr.pendingSnapshot = 0; // resume probing where we were
        pr.becomeProbe();
    }

    void onHeartbeatResponse(HeartbeatResponse m) {
        Progress pr = progress.get(m.from());
        if (pr == null) return;
        pr.recentActive = true;
        if (m.readContext() > 0) {
            int slot = (int) (m.readContext() % ROUND_HISTORY);
            if (roundNumbers[slot] == m.readContext()) pr.leaseAckTick = Math.max(pr.leaseAckTick, roundSentAt[slot]);
            confirmReads(m.from(), m.readContext());
        }
        pr.probeSent = false;
        // A lost AppendRequest would otherwise stall a full pipeline forever: make room for one.
        if (pr.state == Progress.State.REPLICATE && pr.inflights.isFull()) pr.inflights.freeFirst();
        boolean stalled = pr.match == pr.matchAtLastHeartbeat;
        pr.matchAtLastHeartbeat = pr.match;
        if (pr.match < log.lastIndex() && (pr.state != Progress.State.REPLICATE || stalled)) {
            // The follower made no progress over a whole heartbeat interval: appends were probably
            // lost. An empty append at our next index makes it reveal its real position (it rejects
            // with a hint if it lacks entries). While acknowledgements still flow, entries are merely
            // in flight and probing would only force a needless step back to PROBE.
            sendAppend(m.from(), pr, true);
        }
    }

    /** A voter answered read round {@code context}: answer every read a quorum has now confirmed. */
    private void confirmReads(NodeId from, long context) {
        reads.answered(from, context);
        NodeId self = node.id();
        long confirmed = Quorum.jointCommittedIndex(node.config().voters(), node.config().votersOutgoing(),
                id -> id.equals(self) ? reads.lastRound() : reads.answeredRound(id));
        for (ReadIndexQueue.PendingRead r : reads.confirm(confirmed)) {
            node.answerRead(r.requestId(), r.origin(), r.index());
        }
    }

    /**
     * The commit rule (Raft paper §5.3-5.4.2, Figure 8): the highest index stored on a majority of
     * voters commits, but only if it is of the current term; earlier entries commit with it. The
     * leader counts itself only up to what is durable on its own disk (thesis §10.2.1).
     */
    boolean maybeCommit() {
        long selfDurable = log.durableIndex();
        NodeId self = node.id();
        long index = Quorum.jointCommittedIndex(node.config().voters(), node.config().votersOutgoing(), id -> {
            if (id.equals(self)) return selfDurable;
            Progress pr = progress.get(id);
            return pr == null ? 0 : pr.match;
        });
        if (index <= log.committed()) return false;
        if (log.term(index) != node.term()) return false;
        boolean firstOfTerm = log.term(log.committed()) != node.term();
        log.commitTo(index);
        uncommitted.commitTo(index);
        commitPending = true;
        if (firstOfTerm) {
            // Reads that waited for the leader's first commit in its term can proceed (§6.4).
            for (ReadIndexQueue.PendingRead r : reads.takeDeferred()) node.leaderRead(r.requestId(), r.origin());
        }
        node.onLeaderCommitted();
        return true;
    }

    /**
     * CheckQuorum (thesis §6.2): whether a quorum of voters was heard from since the last call.
     * Resets the activity marks for the next round.
     */
    boolean quorumActiveAndReset() {
        Set<NodeId> active = new HashSet<>();
        active.add(node.id());
        for (Map.Entry<NodeId, Progress> e : progress.entrySet()) {
            if (e.getValue().recentActive) active.add(e.getKey());
            e.getValue().recentActive = false;
        }
        return Quorum.isActiveQuorum(node.config().voters(), node.config().votersOutgoing(), active);
    }
}
