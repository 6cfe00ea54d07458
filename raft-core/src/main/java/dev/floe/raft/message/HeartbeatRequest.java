package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/**
 * The leader's periodic heartbeat (Raft paper §5.2): asserts leadership and carries the commit
 * index, capped at what the follower is known to hold so it never commits past its own log.
 * {@code readContext} numbers the heartbeat round; the follower echoes it back, and the answers
 * confirm leadership for pending linearizable reads (thesis §6.4) and renew the leader's lease
 * (thesis §6.4.1).
 */
public record HeartbeatRequest(NodeId from, NodeId to, long term, long commit, long readContext) implements Message {
    @Override
    public String toString() {
        return "Heartbeat " + from + "->" + to + " t" + term + " commit=" + commit + (readContext != 0 ? " ctx=" + readContext : "");
    }
}
