package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/** The answer to a {@link HeartbeatRequest}, echoing its {@code readContext}. */
public record HeartbeatResponse(NodeId from, NodeId to, long term, long readContext) implements Message {
    @Override
    public String toString() {
        return "HeartbeatResp " + from + "->" + to + " t" + term + (readContext != 0 ? " ctx=" + readContext : "");
    }
}
