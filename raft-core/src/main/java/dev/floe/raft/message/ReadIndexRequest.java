package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/** A follower asks the leader for a read index for its linearizable read {@code requestId} (thesis §6.4). */
public record ReadIndexRequest(NodeId from, NodeId to, long term, long requestId) implements Message {
    @Override
    public String toString() {
        return "ReadIndexReq " + from + "->" + to + " t" + term + " id=" + requestId;
    }
}
