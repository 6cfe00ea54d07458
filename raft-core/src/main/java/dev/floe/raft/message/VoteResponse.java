package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/** The answer to a {@link VoteRequest} of the same kind ({@code preVote}). */
public record VoteResponse(NodeId from, NodeId to, long term, boolean preVote, boolean granted) implements Message {
    @Override
    public String toString() {
        return (preVote ? "PreVote" : "Vote") + "Resp " + from + "->" + to + " t" + term + (granted ? " granted" : " rejected");
    }
}
