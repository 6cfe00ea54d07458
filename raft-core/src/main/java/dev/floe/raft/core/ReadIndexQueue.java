package dev.floe.raft.core;

import dev.floe.raft.NodeId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The leader's pending linearizable reads (thesis §6.4, ReadIndex). Each read records the commit
 * index when it arrived and the heartbeat round ("context") that will confirm leadership for it;
 * reads that arrive together share one round, so many concurrent reads cost one heartbeat. A
 * round is confirmed when a quorum has answered it or any later round: a leader that a quorum
 * still follows after the read arrived was the leader when the read arrived, so its commit index
 * then covered every write completed before the read.
 */
final class ReadIndexQueue {
    /** A read waiting for its round; {@code origin} is empty for a read of the leader's own caller. */
    record PendingRead(long requestId, Optional<NodeId> origin, long index, long context) {
    }

    private final ArrayDeque<PendingRead> pending = new ArrayDeque<>();
    /** Reads that arrived before the leader committed an entry of its term (§6.4 step 1). */
    private final List<PendingRead> waitingForTermCommit = new ArrayList<>();
    /** Highest round each voter has answered. */
    private final Map<NodeId, Long> answered = new HashMap<>();
    private long lastContext;
    private boolean roundPending;

    /**
     * Registers a read. It waits for the next heartbeat round: one sent after it arrived. Every
     * round has a fresh number, so any answered round at or above the read's confirms it.
     */
    void add(long requestId, Optional<NodeId> origin, long commitIndex) {
        roundPending = true;
        pending.addLast(new PendingRead(requestId, origin, commitIndex, lastContext + 1));
    }

    /** A read that must wait until the leader's term has a committed entry. */
    void defer(long requestId, Optional<NodeId> origin) {
        waitingForTermCommit.add(new PendingRead(requestId, origin, 0, 0));
    }

    /** The deferred reads, now that an entry of the current term is committed. */
    List<PendingRead> takeDeferred() {
        List<PendingRead> out = List.copyOf(waitingForTermCommit);
        waitingForTermCommit.clear();
        return out;
    }

    /** Whether no read is pending, deferred or waiting for its round (the group may quiesce). */
    boolean idle() {
        return pending.isEmpty() && waitingForTermCommit.isEmpty() && !roundPending;
    }

    /** Whether reads wait for a round that has not been sent yet. */
    boolean hasRoundToSend() {
        return roundPending;
    }

    /** Numbers the next heartbeat round (every broadcast gets one, periodic or for reads). */
    long nextRound() {
        roundPending = false;
        return ++lastContext;
    }

    /** Records {@code voter}'s answer to round {@code context}. */
    void answered(NodeId voter, long context) {
        if (context > 0) answered.merge(voter, context, Math::max);
    }

    /** Removes and returns the reads whose round is at or below {@code confirmedRound}. */
    List<PendingRead> confirm(long confirmedRound) {
        List<PendingRead> done = new ArrayList<>();
        while (!pending.isEmpty() && pending.peekFirst().context() <= confirmedRound) {
            done.add(pending.pollFirst());
        }
        return done;
    }

    long answeredRound(NodeId voter) {
        return answered.getOrDefault(voter, 0L);
    }

    long lastRound() {
        return lastContext;
    }

    /**
     * Everything still waiting, for rejection when leadership ends. The queue is dropped with its
     * {@link Replication} right after (a new term makes a new one), so nothing needs clearing.
     */
    List<PendingRead> drainAll() {
        List<PendingRead> all = new ArrayList<>(waitingForTermCommit);
        all.addAll(pending);
        return all;
    }
}
