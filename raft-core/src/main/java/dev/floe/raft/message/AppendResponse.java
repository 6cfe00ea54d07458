package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/**
 * The answer to an {@link AppendRequest}.
 *
 * <p>On success, {@code matchIndex} is the index of the last entry the follower now holds that
 * the request covered (it is durable on the follower when this response is sent).
 *
 * <p>On rejection (the consistency check on {@code rejectedIndex} = the request's prevLogIndex
 * failed), the follower adds a conflict hint so the leader repairs the log in one round trip per
 * term instead of one per entry (Raft paper §5.3, the optimization at the end of the section):
 * {@code hintTerm} is the term of the follower's entry at {@code rejectedIndex} (0 if it has none)
 * and {@code hintIndex} is the first index the follower holds with that term (or its last index + 1
 * when its log is too short).
 *
 * <p>{@code heardRound} is the newest heartbeat round of this leader the follower had received when
 * it answered (0 if none since it started or since this leader's term began). Heartbeat rounds are
 * numbered by the leader in send order, so a rejection stamped with a round the leader sent after it
 * recorded the follower's match index was written after that acknowledgement: if its hint shows a
 * log shorter than that match, the follower lost entries it had acknowledged (restored from an old
 * copy, a lost disk tail) rather than being a late answer to an old request.
 */
public record AppendResponse(NodeId from, NodeId to, long term, boolean success, long matchIndex,
                             long rejectedIndex, long hintIndex, long hintTerm, long heardRound) implements Message {

    /**
     * A success covering entries up to {@code matchIndex}.
     *
     * @param from the follower
     * @param to   the leader
     * @param term the follower's term
     * @param matchIndex the last index the follower holds that the request covered
     * @return the response
     */
    public static AppendResponse accepted(NodeId from, NodeId to, long term, long matchIndex) {
        return new AppendResponse(from, to, term, true, matchIndex, 0, 0, 0, 0);
    }

    /**
     * A rejection of the request whose prevLogIndex was {@code rejectedIndex}, by a follower that heard no heartbeat round yet.
     *
     * @param from the follower
     * @param to   the leader
     * @param term the follower's term
     * @param rejectedIndex the request's prevLogIndex
     * @param hintIndex     the first index the follower holds with {@code hintTerm}, or its last index + 1
     * @param hintTerm      the term of the follower's entry at {@code rejectedIndex}, 0 if none
     * @return the response
     */
    public static AppendResponse rejected(NodeId from, NodeId to, long term, long rejectedIndex, long hintIndex, long hintTerm) {
        return rejected(from, to, term, rejectedIndex, hintIndex, hintTerm, 0);
    }

    /**
     * A rejection of the request whose prevLogIndex was {@code rejectedIndex}, stamped with the newest round heard.
     *
     * @param from the follower
     * @param to   the leader
     * @param term the follower's term
     * @param rejectedIndex the request's prevLogIndex
     * @param hintIndex     the first index the follower holds with {@code hintTerm}, or its last index + 1
     * @param hintTerm      the term of the follower's entry at {@code rejectedIndex}, 0 if none
     * @param heardRound    the newest heartbeat round of this leader the follower received
     * @return the response
     */
    public static AppendResponse rejected(NodeId from, NodeId to, long term, long rejectedIndex, long hintIndex, long hintTerm,
                                          long heardRound) {
        return new AppendResponse(from, to, term, false, 0, rejectedIndex, hintIndex, hintTerm, heardRound);
    }

    @Override
    public String toString() {
        return success
                ? "AppendResp " + from + "->" + to + " t" + term + " ok match=" + matchIndex
                : "AppendResp " + from + "->" + to + " t" + term + " reject@" + rejectedIndex + " hint=" + hintIndex + "@" + hintTerm
                        + (heardRound > 0 ? " round=" + heardRound : "");
    }
}
