package dev.floe.raft.server;

import dev.floe.raft.NodeId;
import java.util.Optional;

/**
 * The one membership change this server is driving (thesis §4.1: one at a time), and where it is.
 * Consensus thread only.
 *
 * <ul>
 *   <li>{@link Phase#AWAITING_FIRST_COMMIT}: this server was just elected and has not yet committed
 *       an entry of its term, before which it may propose no change (thesis §4.1); the request waits
 *       for that commit (about one round trip) until {@link #deadline}, then is handled as new.</li>
 *   <li>{@link Phase#CATCHING_UP}: before promoting {@link #learner}, wait until it is up to date
 *       (thesis §4.2.1), in rounds: a round ends when it has replicated what the leader's log held
 *       when the round began; the learner is promoted after a round shorter than an election timeout.</li>
 *   <li>{@link Phase#PROPOSED}: the CONFIG entry is at ({@link #index}, {@link #term}); waiting for it
 *       to commit, or for another entry to be committed there (it was overwritten: not applied).</li>
 *   <li>{@link Phase#LEAVING_JOINT}: the joint configuration committed; the leader appends the final
 *       one by itself (paper §6); waiting for that to commit.</li>
 * </ul>
 */
final class MembershipChange {
    enum Phase { AWAITING_FIRST_COMMIT, CATCHING_UP, PROPOSED, LEAVING_JOINT }

    final MembershipRequest.Change request;
    Phase phase;
    /** After the proposed entry commits, promote this learner ({@code addVoter}). */
    Optional<NodeId> promoteAfter = Optional.empty();
    /** The learner being caught up (CATCHING_UP). */
    NodeId learner;
    long index;
    long term;
    /** Clock time after which a proposed change fails as outcome unknown (a waiting one: as refused). */
    long deadline;
    long roundTarget;
    long roundStart;
    int rounds;

    private MembershipChange(MembershipRequest.Change request, Phase phase) {
        this.request = request;
        this.phase = phase;
    }

    static MembershipChange proposed(MembershipRequest.Change request, long index, long term, long deadline,
                                     Optional<NodeId> promoteAfter) {
        MembershipChange c = new MembershipChange(request, Phase.PROPOSED);
        c.index = index;
        c.term = term;
        c.deadline = deadline;
        c.promoteAfter = promoteAfter;
        return c;
    }

    static MembershipChange awaitingFirstCommit(MembershipRequest.Change request, long deadline) {
        MembershipChange c = new MembershipChange(request, Phase.AWAITING_FIRST_COMMIT);
        c.deadline = deadline;
        return c;
    }

    static MembershipChange catchingUp(MembershipRequest.Change request, NodeId learner) {
        MembershipChange c = new MembershipChange(request, Phase.CATCHING_UP);
        c.learner = learner;
        return c;
    }

    void startRound(long lastIndex, long now) {
        rounds++;
        roundTarget = lastIndex;
        roundStart = now;
    }

    @Override
    public String toString() {
        return switch (phase) {
            case AWAITING_FIRST_COMMIT -> "change waiting for the new leader's first commit";
            case CATCHING_UP -> "promotion of learner " + learner + " (catching up, round " + rounds + ")";
            case PROPOSED -> "change at index " + index + " of term " + term;
            case LEAVING_JOINT -> "joint change at index " + index + " (leaving the joint configuration)";
        };
    }
}
