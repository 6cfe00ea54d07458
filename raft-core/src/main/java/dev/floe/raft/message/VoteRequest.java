package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/**
 * RequestVote (Raft paper §5.2, Figure 2) or, when {@code preVote}, the PreVote probe of thesis
 * §9.6 that asks "would you vote for me in {@code term}?" without disturbing anyone's term.
 * {@code transfer} marks a campaign started by a leadership transfer (thesis §3.10), which
 * followers honour even while they believe a leader is alive.
 */
public record VoteRequest(NodeId from, NodeId to, long term, long lastLogIndex, long lastLogTerm,
                          boolean preVote, boolean transfer) implements Message {
    @Override
    public String toString() {
        return (preVote ? "PreVote" : "Vote") + "Req " + from + "->" + to + " t" + term
                + " last=" + lastLogIndex + "@" + lastLogTerm + (transfer ? " transfer" : "");
    }
}
