package dev.floe.raft.examples.it;

import dev.floe.raft.testkit.FreePorts;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.transport.netty.Backoff;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.NettyTransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import dev.floe.raft.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Servers in one JVM with the production plugs: a {@link FileStorage} directory each (fsync on)
 * and {@link NettyTransport} over loopback sockets. A member keeps its directory and port across
 * restarts.
 */
final class RealCluster implements AutoCloseable {
    static final RaftServerOptions OPTIONS = RaftServerOptions.builder()
            .tickInterval(Duration.ofMillis(20))
            .electionTicks(10, 1)
            .requestTimeout(Duration.ofSeconds(5))
            .build();

    final Map<NodeId, Endpoint> clientEndpoints = new LinkedHashMap<>();
    private final Map<NodeId, Endpoint> raftEndpoints = new LinkedHashMap<>();
    private final Map<NodeId, Path> dirs = new LinkedHashMap<>();
    private final Map<NodeId, RaftServer> servers = new LinkedHashMap<>();
    private final Map<NodeId, LogStateMachine> machines = new LinkedHashMap<>();

    RealCluster(Path root, int size) {
        for (int i = 1; i <= size; i++) {
            NodeId id = NodeId.of("n" + i);
            raftEndpoints.put(id, new Endpoint("127.0.0.1", FreePorts.next()));
            clientEndpoints.put(id, new Endpoint("127.0.0.1", FreePorts.next()));
            dirs.put(id, root.resolve(id.value()));
        }
    }


    RealCluster startAll() {
        for (NodeId id : dirs.keySet()) if (!servers.containsKey(id)) start(id);
        return this;
    }

    /** Starts {@code id} from its directory, with a fresh state machine, on its port. */
    RaftServer start(NodeId id) {
        try {
            FileStorage storage = FileStorage.open(dirs.get(id), StorageOptions.defaults());
            NettyTransportConfig.Builder transport = NettyTransportConfig.builder("it-cluster", id, raftEndpoints.get(id))
                    .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 0.5));
            raftEndpoints.forEach((peer, endpoint) -> {
                if (!peer.equals(id)) transport.peer(peer, endpoint);
            });
            LogStateMachine machine = new LogStateMachine();
            RaftServer server = RaftServer.builder()
                    .id(id)
                    .members(clientEndpoints)
                    .stateMachine(machine)
                    .storage(storage.logStorage(), storage.hardStateStore())
                    .closeWith(storage)
                    .transport(new NettyTransport(transport.build()))
                    .options(OPTIONS)
                    .build();
            server.start();
            servers.put(id, server);
            machines.put(id, machine);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stop(NodeId id) {
        RaftServer server = servers.remove(id);
        if (server != null) server.close();
    }

    List<RaftServer> running() {
        return List.copyOf(servers.values());
    }

    LogStateMachine machine(NodeId id) {
        return machines.get(id);
    }

    /** The one running member that leads, once every running member follows it. */
    RaftServer awaitLeader() {
        return await(Duration.ofSeconds(10), "a leader all running members agree on", () -> {
            List<RaftServer> leaders = new ArrayList<>();
            for (RaftServer s : servers.values()) if (s.status().isLeader()) leaders.add(s);
            if (leaders.size() != 1) return Optional.empty();
            RaftServer leader = leaders.get(0);
            boolean agreed = servers.values().stream().allMatch(s -> s.status().leader().equals(Optional.of(leader.id())));
            return agreed ? Optional.of(leader) : Optional.empty();
        });
    }

    void awaitApplied(int count) {
        awaitTrue(Duration.ofSeconds(10), "every running member to apply " + count + " commands",
                () -> servers.keySet().stream().allMatch(id -> machines.get(id).commands().size() >= count));
    }

    static void awaitTrue(Duration timeout, String what, BooleanSupplier condition) {
        await(timeout, what, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
    }

    static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
        return Await.value(timeout, what, probe);
    }

    static List<String> floeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("floe-")).sorted().toList();
    }

    @Override
    public void close() {
        for (NodeId id : List.copyOf(servers.keySet())) stop(id);
    }
}
