package dev.floe.raft.testkit;

import dev.floe.raft.LogStorage;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory storage per member that outlives each server, so a member can be closed and started
 * again "from disk": a log, a hard-state store and, when asked for, a snapshot store (without one a
 * server never snapshots).
 */
public final class MemoryStores implements StoragePlug {
    private final boolean snapshots;
    private final Map<NodeId, LogStorage> logs = new ConcurrentHashMap<>();
    private final Map<NodeId, MemoryHardStateStore> hardStates = new ConcurrentHashMap<>();
    private final Map<NodeId, MemorySnapshotStore> snapshotStores = new ConcurrentHashMap<>();

    /** @param snapshots whether members get a snapshot store */
    public MemoryStores(boolean snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public void plug(RaftServer.Builder builder, NodeId id) {
        builder.storage(log(id), hardState(id));
        if (snapshots) builder.snapshotStore(snapshotStore(id));
    }

    /** {@code id}'s log. */
    public LogStorage log(NodeId id) {
        return logs.computeIfAbsent(id, k -> new MemoryLogStorage());
    }

    /** Gives {@code id} this log from its next start on (for storage with controlled durability). */
    public void useLog(NodeId id, LogStorage log) {
        logs.put(id, log);
    }

    /** {@code id}'s term and vote. */
    public MemoryHardStateStore hardState(NodeId id) {
        return hardStates.computeIfAbsent(id, k -> new MemoryHardStateStore());
    }

    /** {@code id}'s snapshot store (used only when this storage has snapshots). */
    public MemorySnapshotStore snapshotStore(NodeId id) {
        return snapshotStores.computeIfAbsent(id, k -> new MemorySnapshotStore());
    }
}
