package dev.floe.raft.testkit;

import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import java.io.IOException;

/** Where a test cluster's members keep their log, hard state and snapshots; each member's outlive its servers. */
@FunctionalInterface
public interface StoragePlug {
    /** Adds {@code id}'s storage (the same each time {@code id} starts) to its builder. */
    void plug(RaftServer.Builder builder, NodeId id) throws IOException;
}
