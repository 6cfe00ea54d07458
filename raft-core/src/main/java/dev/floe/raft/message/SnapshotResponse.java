package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/**
 * The answer to a {@link SnapshotRequest}: the follower has everything before {@code nextOffset}
 * of the snapshot ending at {@code snapshotIndex}; {@code success} is false when it wants the
 * transfer restarted from {@code nextOffset} (for example after a gap or a checksum mismatch).
 */
public record SnapshotResponse(NodeId from, NodeId to, long term, long snapshotIndex, long nextOffset,
                               boolean success) implements Message {
    @Override
    public String toString() {
        return "SnapshotResp " + from + "->" + to + " t" + term + " snap=" + snapshotIndex + " next=" + nextOffset + (success ? " ok" : " retry");
    }
}
