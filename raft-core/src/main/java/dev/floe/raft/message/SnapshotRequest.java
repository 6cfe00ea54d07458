package dev.floe.raft.message;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;

/**
 * One chunk of InstallSnapshot (Raft paper §7, Figure 13): the bytes at {@code offset} of the
 * snapshot described by {@code meta}. {@code done} marks the last chunk, which also carries
 * {@code checksum}, a CRC32C over the whole snapshot, so the follower can verify before it restores.
 */
public record SnapshotRequest(NodeId from, NodeId to, long term, SnapshotMeta meta, long offset, Bytes chunk,
                              boolean done, long checksum) implements Message {
    @Override
    public long sizeBytes() {
        return 128L + chunk.size();
    }

    @Override
    public String toString() {
        return "SnapshotReq " + from + "->" + to + " t" + term + " " + meta + " off=" + offset + " len=" + chunk.size() + (done ? " done" : "");
    }
}
