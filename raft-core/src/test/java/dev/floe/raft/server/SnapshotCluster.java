package dev.floe.raft.server;

import dev.floe.raft.testkit.Await;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryLogStorage;
import dev.floe.raft.testkit.MemorySnapshotStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Servers over a {@link LocalNetwork} with in-memory log, hard state and snapshot store that
 * outlive each server, so a member can restart "from disk", including from its snapshot.
 */
final class SnapshotCluster extends ServerCluster<SnapshottingStateMachine, SnapshotCluster> {
    final Map<NodeId, MemoryLogStorage> logs = new LinkedHashMap<>();
    final Map<NodeId, MemorySnapshotStore> snapshots = new LinkedHashMap<>();
    private final SnapshotOptions snapshotOptions;
    /** Session expiry every member is built with. */
    Duration sessionExpiry = Duration.ofHours(1);

    SnapshotCluster(int size, RaftServerOptions options, SnapshotOptions snapshotOptions) {
        super(size, options);
        this.snapshotOptions = snapshotOptions;
        for (NodeId id : members.keySet()) {
            logs.put(id, new MemoryLogStorage());
            snapshots.put(id, new MemorySnapshotStore());
        }
    }

    @Override
    SnapshottingStateMachine newStateMachine(NodeId id) {
        return new SnapshottingStateMachine();
    }

    @Override
    RaftServer.Builder plugs(RaftServer.Builder builder, NodeId id) {
        return builder.storage(logs.get(id), hardStates.get(id))
                .snapshotStore(snapshots.get(id))
                .snapshotOptions(snapshotOptions)
                .sessionExpiry(sessionExpiry);
    }

    @Override
    SnapshotCluster self() {
        return this;
    }

    /** Waits until {@code id}'s state machine holds {@code count} commands. */
    void awaitCommands(NodeId id, int count) {
        Await.until(Duration.ofSeconds(15), id + " to hold " + count + " commands",
                () -> machines.get(id).commands().size() >= count);
    }
}
