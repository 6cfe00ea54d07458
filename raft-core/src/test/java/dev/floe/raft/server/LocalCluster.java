package dev.floe.raft.server;

import dev.floe.raft.Endpoint;
import dev.floe.raft.LogStorage;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Servers in one JVM over a {@link LocalNetwork}, each with in-memory storage that outlives its
 * server, so a member can be closed and started again "from disk".
 */
final class LocalCluster implements AutoCloseable {
    /** Fast timings for tests: 20 ms ticks, elections after 200-400 ms. */
    static final RaftServerOptions FAST = RaftServerOptions.builder()
            .tickInterval(Duration.ofMillis(20))
            .electionTicks(10, 1)
            .requestTimeout(Duration.ofSeconds(5))
            .build();

    final LocalNetwork network = new LocalNetwork();
    final Map<NodeId, Endpoint> members = new LinkedHashMap<>();
    private final Map<NodeId, LogStorage> logs = new LinkedHashMap<>();
    private final Map<NodeId, MemoryHardStateStore> hardStates = new LinkedHashMap<>();
    private final Map<NodeId, RecordingStateMachine> machines = new LinkedHashMap<>();
    private final Map<NodeId, RaftServer> servers = new LinkedHashMap<>();
    private final RaftServerOptions options;

    LocalCluster(int size, RaftServerOptions options) {
        this.options = options;
        for (int i = 1; i <= size; i++) {
            NodeId id = NodeId.of("n" + i);
            members.put(id, new Endpoint("client-" + id.value() + ".example", 9000 + i));
            logs.put(id, new MemoryLogStorage());
            hardStates.put(id, new MemoryHardStateStore());
        }
    }

    /** Gives {@code id} this log from its next start on (for storage with controlled durability). */
    void useLog(NodeId id, LogStorage log) {
        logs.put(id, log);
    }

    /** Starts every member that is not running. */
    LocalCluster startAll() {
        for (NodeId id : members.keySet()) {
            if (!servers.containsKey(id)) start(id);
        }
        return this;
    }

    /** Starts {@code id} with a fresh state machine on its existing storage. */
    RaftServer start(NodeId id) {
        RecordingStateMachine machine = new RecordingStateMachine();
        RaftServer server = RaftServer.builder()
                .id(id)
                .members(members)
                .stateMachine(machine)
                .storage(logs.get(id), hardStates.get(id))
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

    /** Closes {@code id}'s server; its storage stays for a restart. */
    void stop(NodeId id) {
        RaftServer server = servers.remove(id);
        if (server != null) server.close();
    }

    RaftServer server(NodeId id) {
        return servers.get(id);
    }

    RecordingStateMachine machine(NodeId id) {
        return machines.get(id);
    }

    List<RaftServer> running() {
        return List.copyOf(servers.values());
    }

    /** The single running member that says it leads and that every running member follows. */
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

    RaftServer anyFollower(RaftServer leader) {
        return servers.values().stream().filter(s -> s != leader).findFirst().orElseThrow();
    }

    /** Waits until every running member has applied at least {@code count} commands. */
    void awaitApplied(int count) {
        Await.until(Duration.ofSeconds(10), "every member to apply " + count + " commands", () ->
                machines.entrySet().stream().filter(e -> servers.containsKey(e.getKey()))
                        .allMatch(e -> e.getValue().commands().size() >= count));
    }

    /** Waits until every running member but {@code leader} has applied at least {@code count} commands. */
    void awaitFollowersApplied(RaftServer leader, int count) {
        Await.until(Duration.ofSeconds(10), "followers to apply " + count + " commands", () ->
                servers.keySet().stream().filter(id -> !id.equals(leader.id()))
                        .allMatch(id -> machines.get(id).commands().size() >= count));
    }

    @Override
    public void close() {
        for (NodeId id : List.copyOf(servers.keySet())) stop(id);
    }
}
