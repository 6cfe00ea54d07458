package dev.floe.raft.server;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import dev.floe.raft.testkit.MemorySnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Servers over a {@link LocalNetwork} with in-memory log, hard state and snapshot store that
 * outlive each server, so a member can restart "from disk", including from its snapshot.
 */
final class SnapshotCluster implements AutoCloseable {
    final LocalNetwork network = new LocalNetwork();
    final Map<NodeId, Endpoint> members = new LinkedHashMap<>();
    final Map<NodeId, MemoryLogStorage> logs = new LinkedHashMap<>();
    final Map<NodeId, MemoryHardStateStore> hardStates = new LinkedHashMap<>();
    final Map<NodeId, MemorySnapshotStore> snapshots = new LinkedHashMap<>();
    private final Map<NodeId, SnapshottingStateMachine> machines = new LinkedHashMap<>();
    private final Map<NodeId, RaftServer> servers = new LinkedHashMap<>();
    private final RaftServerOptions options;
    private final SnapshotOptions snapshotOptions;
    /** Session expiry every member is built with. */
    Duration sessionExpiry = Duration.ofHours(1);

    SnapshotCluster(int size, RaftServerOptions options, SnapshotOptions snapshotOptions) {
        this.options = options;
        this.snapshotOptions = snapshotOptions;
        for (int i = 1; i <= size; i++) {
            NodeId id = NodeId.of("n" + i);
            members.put(id, new Endpoint("client-" + id.value() + ".example", 9000 + i));
            logs.put(id, new MemoryLogStorage());
            hardStates.put(id, new MemoryHardStateStore());
            snapshots.put(id, new MemorySnapshotStore());
        }
    }

    SnapshotCluster startAll() {
        for (NodeId id : members.keySet()) if (!servers.containsKey(id)) start(id);
        return this;
    }

    /** Starts {@code id} with a fresh state machine on its existing storage and snapshots. */
    RaftServer start(NodeId id) {
        SnapshottingStateMachine machine = new SnapshottingStateMachine();
        RaftServer server = RaftServer.builder()
                .id(id)
                .members(members)
                .stateMachine(machine)
                .storage(logs.get(id), hardStates.get(id))
                .snapshotStore(snapshots.get(id))
                .snapshotOptions(snapshotOptions)
                .sessionExpiry(sessionExpiry)
                .transport(network.transport(id))
                .options(options)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        machines.put(id, machine);
        servers.put(id, server);
        return server;
    }

    void stop(NodeId id) {
        RaftServer server = servers.remove(id);
        if (server != null) server.close();
    }

    RaftServer server(NodeId id) {
        return servers.get(id);
    }

    SnapshottingStateMachine machine(NodeId id) {
        return machines.get(id);
    }

    RaftServer awaitLeader() {
        return Await.value(Duration.ofSeconds(10), "a leader all running members agree on", () -> {
            List<RaftServer> leaders = new ArrayList<>();
            for (RaftServer s : servers.values()) if (s.status().isLeader()) leaders.add(s);
            if (leaders.size() != 1) return Optional.empty();
            RaftServer leader = leaders.get(0);
            for (RaftServer s : servers.values()) {
                if (!s.status().leader().equals(Optional.of(leader.id()))) return Optional.empty();
            }
            return Optional.of(leader);
        });
    }

    /** Waits until {@code id}'s state machine holds {@code count} commands. */
    void awaitCommands(NodeId id, int count) {
        Await.until(Duration.ofSeconds(15), id + " to hold " + count + " commands",
                () -> machines.get(id).commands().size() >= count);
    }

    @Override
    public void close() {
        for (NodeId id : List.copyOf(servers.keySet())) stop(id);
    }
}
