package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/**
 * The leader's answer to a {@link ReadIndexRequest}: once the follower has applied
 * {@code readIndex} it may serve the read. {@code success} is false when the sender could not
 * confirm its leadership (the follower retries elsewhere).
 */
public record ReadIndexResponse(NodeId from, NodeId to, long term, long requestId, long readIndex,
                                boolean success) implements Message {
    @Override
    public String toString() {
        return "ReadIndexResp " + from + "->" + to + " t" + term + " id=" + requestId + (success ? " index=" + readIndex : " failed");
    }
}
