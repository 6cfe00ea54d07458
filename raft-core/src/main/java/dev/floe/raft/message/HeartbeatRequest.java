package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/**
 * The leader's periodic heartbeat (Raft paper §5.2): asserts leadership and carries the commit
 * index, capped at what the follower is known to hold so it never commits past its own log.
 * {@code readContext} is nonzero when the heartbeat also confirms leadership for pending
 * linearizable reads (thesis §6.4); the follower echoes it back.
 */
public record HeartbeatRequest(NodeId from, NodeId to, long term, long commit, long readContext) implements Message {
    @Override
    public String toString() {
        return "Heartbeat " + from + "->" + to + " t" + term + " commit=" + commit + (readContext != 0 ? " ctx=" + readContext : "");
    }
}
