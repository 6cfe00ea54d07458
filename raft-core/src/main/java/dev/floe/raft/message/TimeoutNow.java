package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/** Leadership transfer (thesis §3.10): tells an up-to-date follower to start an election at once. */
public record TimeoutNow(NodeId from, NodeId to, long term) implements Message {
    @Override
    public String toString() {
        return "TimeoutNow " + from + "->" + to + " t" + term;
    }
}
