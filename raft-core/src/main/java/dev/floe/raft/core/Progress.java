package dev.floe.raft.core;

/**
 * What the leader knows about one follower's log (Raft paper Figure 2, nextIndex and matchIndex),
 * and how it is sending to it. Modelled on the three states of etcd/raft's progress:
 * <ul>
 *   <li>PROBE: the leader does not know where the follower's log matches; it sends one request at
 *       a time and waits for the answer (or a heartbeat answer) before the next.</li>
 *   <li>REPLICATE: the logs match up to {@code match}; the leader streams entries optimistically,
 *       advancing {@code next} as it sends, within the {@link Inflights} window.</li>
 *   <li>SNAPSHOT: the follower needs entries the leader compacted; a snapshot is on its way and
 *       nothing else is sent.</li>
 * </ul>
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    /** Highest index known to be replicated (durably) on the follower. Monotonic within a term. */
    long match;
    /** Index of the next entry to send; invariant: match < next. */
    long next;
    State state = State.PROBE;
    /** In PROBE: a request is outstanding, so sending is paused until an answer or a heartbeat answer. */
    boolean probeSent;
    /**
     * The entries to send next are durable and not in memory: sending is paused until the caller
     * has read them off the consensus thread (RaftLog's LogRead), whatever the state.
     */
    boolean awaitingRead;
    /** In SNAPSHOT: the index of the snapshot being sent. */
    long pendingSnapshot;
    /** {@link #match} when the previous heartbeat answer arrived, to tell a stalled pipeline from a busy one. */
    long matchAtLastHeartbeat = -1;
    /** Send tick of the newest heartbeat round this follower answered (the lease, thesis §6.4.1). */
    long leaseAckTick = Long.MIN_VALUE / 2;
    /**
     * The first heartbeat round the leader sent after it last raised {@link #match}: a rejection
     * stamped with this round or a later one was written after the follower acknowledged match.
     */
    long matchRound;
    /** Heard from since the last CheckQuorum round (thesis §6.2). */
    boolean recentActive;
    /** Learners receive the log but never count toward a quorum; a promotion flips this. */
    boolean learner;
    final Inflights inflights;

    Progress(long next, boolean learner, RaftOptions options) {
        this.next = next;
        this.learner = learner;
        this.inflights = new Inflights(options.maxInflightMessages(), options.maxInflightBytes());
    }

    /** Whether the leader must hold off sending entries to this follower for now. */
    boolean isPaused() {
        if (awaitingRead) return true;
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.isFull();
            case SNAPSHOT -> true;
        };
    }

    void becomeProbe() {
        // After a snapshot, resume right after it; otherwise right after what is known to match.
        next = state == State.SNAPSHOT ? Math.max(match + 1, pendingSnapshot + 1) : match + 1;
        state = State.PROBE;
        probeSent = false;
        pendingSnapshot = 0;
        inflights.reset();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        probeSent = false;
        inflights.reset();
    }

    void becomeSnapshot(long snapshotIndex) {
        state = State.SNAPSHOT;
        pendingSnapshot = snapshotIndex;
        probeSent = false;
        inflights.reset();
    }

    /** Records that a request carrying entries up to {@code lastIndex} ({@code bytes} in all) was sent. */
    void sentEntries(long lastIndex, int entryCount, long bytes) {
        switch (state) {
            case REPLICATE -> {
                if (entryCount > 0) {
                    next = lastIndex + 1;
                    inflights.add(lastIndex, bytes);
                }
            }
            case PROBE -> probeSent = true;
            case SNAPSHOT -> throw new IllegalStateException("sending entries while a snapshot is pending");
        }
    }

    /** A success acknowledged entries up to {@code index}; returns whether that was news. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * The follower proved it no longer holds entries it acknowledged (restored from an old copy, a
     * lost disk tail): what we knew of its log is void. Probe it again from {@code resumeAt}, which
     * repairs it with entries, or with a snapshot if those were compacted.
     */
    void lostAcknowledgedEntries(long resumeAt) {
        match = 0;
        matchRound = 0;
        matchAtLastHeartbeat = -1;
        next = Math.max(1, resumeAt);
        state = State.PROBE;
        probeSent = false;
        pendingSnapshot = 0;
        inflights.reset();
    }

    /**
     * A rejection of the request whose prevLogIndex was {@code rejected}; {@code hintNext} is where
     * the conflict hint says to retry. Returns false for a stale rejection, which must be ignored
     * (pipelining means answers to older requests arrive after the state moved on).
     */
    boolean maybeDecreaseTo(long rejected, long hintNext) {
        if (state == State.REPLICATE) {
            if (rejected <= match) return false; // answer to a request sent before we knew match
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) return false; // answer to an older probe
        next = Math.max(Math.min(rejected, hintNext), match + 1);
        probeSent = false;
        return true;
    }

    @Override
    public String toString() {
        return state + "{match=" + match + " next=" + next + (probeSent ? " paused" : "") + (awaitingRead ? " reading" : "")
                + (state == State.REPLICATE ? " inflight=" + inflights.count() : "")
                + (learner ? " learner" : "") + "}";
    }
}
