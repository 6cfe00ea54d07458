package dev.floe.raft.core;

import dev.floe.raft.NodeId;

/**
 * How a leadership transfer (thesis §3.10) ended: {@code completed} when this leader stepped down
 * during the transfer (the target, or whoever won, now leads); otherwise it was aborted after an
 * election timeout and this node still leads.
 */
public record TransferResult(NodeId target, boolean completed) {
}
