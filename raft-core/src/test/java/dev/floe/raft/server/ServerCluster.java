package dev.floe.raft.server;

import dev.floe.raft.testkit.Await;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the in-process test clusters share: servers {@code n1..nN} over a {@link LocalNetwork},
 * each with a hard-state store that outlives its server, started, stopped and restarted by id.
 * Subclasses say which state machine each start gets and which plugs go into the builder.
 *
 * @param <M> the state machine type
 * @param <C> the subclass, so {@link #startAll()} chains
 */
abstract class ServerCluster<M extends StateMachine, C extends ServerCluster<M, C>> implements AutoCloseable {
    final LocalNetwork network = new LocalNetwork();
    final Map<NodeId, Endpoint> members = new LinkedHashMap<>();
    final Map<NodeId, MemoryHardStateStore> hardStates = new LinkedHashMap<>();
    final Map<NodeId, M> machines = new LinkedHashMap<>();
    final Map<NodeId, RaftServer> servers = new LinkedHashMap<>();
    /** What each member reported, across restarts. */
    final Map<NodeId, RecordingListener> events = new LinkedHashMap<>();
    final RaftServerOptions options;

    ServerCluster(int size, RaftServerOptions options) {
        this.options = options;
        for (int i = 1; i <= size; i++) {
            NodeId id = NodeId.of("n" + i);
            members.put(id, new Endpoint("client-" + id.value() + ".example", 9000 + i));
            hardStates.put(id, new MemoryHardStateStore());
        }
    }

    /** A fresh state machine for a (re)start of {@code id}. */
    abstract M newStateMachine(NodeId id);

    /** Adds {@code id}'s storage (and anything else it needs) to its builder. */
    abstract RaftServer.Builder plugs(RaftServer.Builder builder, NodeId id);

    abstract C self();

    /** Starts every member that is not running. */
    C startAll() {
        for (NodeId id : members.keySet()) {
            if (!servers.containsKey(id)) start(id);
        }
        return self();
    }

    /** Starts {@code id} with a fresh state machine on its existing storage. */
    RaftServer start(NodeId id) {
        M machine = newStateMachine(id);
        RaftServer server = plugs(RaftServer.builder()
                .id(id)
                .members(members)
                .stateMachine(machine)
                .transport(network.transport(id))
                .listener(events.computeIfAbsent(id, k -> new RecordingListener()))
                .options(options), id)
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

    M machine(NodeId id) {
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

    @Override
    public void close() {
        for (NodeId id : List.copyOf(servers.keySet())) stop(id);
    }
}
