package dev.floe.raft.transport.netty.hosting;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftHostOptions;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.ServerStatus;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.FreePorts;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import dev.floe.raft.transport.netty.Backoff;
import dev.floe.raft.transport.netty.NettyHostTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Hosts in one JVM over real loopback sockets, each a {@link RaftHost} with in-memory group stores that outlive their groups. */
final class HostCluster implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Fast timings: 20 ms ticks, elections after 200-400 ms. */
    static final RaftServerOptions FAST = RaftServerOptions.builder()
            .tickInterval(Duration.ofMillis(20))
            .electionTicks(10, 1)
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    static final RaftHostOptions HOST = RaftHostOptions.builder()
            .threads(2, 2, 2)
            .liveness(Duration.ofMillis(50), Duration.ofMillis(400))
            .build();

    final Map<NodeId, RaftHost> hosts = new LinkedHashMap<>();
    final Map<NodeId, NettyHostTransport> transports = new LinkedHashMap<>();
    final List<Member> members = new ArrayList<>();

    HostCluster(int size) throws Exception {
        for (int i = 1; i <= size; i++) {
            NodeId id = NodeId.of("h" + i);
            Endpoint listen = new Endpoint("127.0.0.1", FreePorts.next());
            members.add(Member.voter(id, listen, listen));
        }
        for (Member m : members) {
            NettyTransportOptions.Builder config = NettyTransportOptions.builder("hosts", m.id(), m.raft())
                    .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(100), 0.5))
                    .heartbeatCoalescing(Duration.ofMillis(2))
                    .ioThreads(1);
            for (Member peer : members) if (!peer.id().equals(m.id())) config.peer(peer.id(), peer.raft());
            NettyHostTransport transport = new NettyHostTransport(config.build());
            // Each group's stores outlive its server, like a disk: a group started again recovers its log and vote.
            Map<GroupId, GroupStorage.Stores> disk = new java.util.concurrent.ConcurrentHashMap<>();
            GroupStorage memory = group -> disk.computeIfAbsent(group, g -> new GroupStorage.Stores(new MemoryLogStorage(),
                    new MemoryHardStateStore(), Optional.empty(), Optional.empty()));
            RaftHost host = RaftHost.builder(m.id(), transport, memory).options(HOST).build();
            host.start();
            hosts.put(m.id(), host);
            transports.put(m.id(), transport);
        }
    }

    RaftHost host(int i) {
        return hosts.get(NodeId.of("h" + i));
    }

    /** Starts {@code group} on every host, each member with a fresh {@link RecordingStateMachine}. */
    Map<NodeId, RecordingStateMachine> startEverywhere(GroupId group) throws Exception {
        Map<NodeId, RecordingStateMachine> machines = new LinkedHashMap<>();
        for (RaftHost host : hosts.values()) {
            RecordingStateMachine machine = new RecordingStateMachine();
            host.startGroup(group, members, machine, FAST);
            machines.put(host.id(), machine);
        }
        return machines;
    }

    /** The leader of {@code group} once all its running members agree on one. */
    RaftServer awaitLeader(GroupId group) {
        return Await.value(WAIT, "a leader of " + group, () -> {
            Optional<NodeId> agreed = Optional.empty();
            for (RaftHost host : hosts.values()) {
                Optional<RaftServer> server = host.group(group);
                if (server.isEmpty()) continue;
                ServerStatus s = server.get().status();
                if (s.leader().isEmpty() || (agreed.isPresent() && !agreed.equals(s.leader()))) return Optional.empty();
                agreed = s.leader();
            }
            return agreed.flatMap(id -> Optional.ofNullable(hosts.get(id))).flatMap(h -> h.group(group))
                    .filter(s -> s.status().role() == ServerStatus.Role.LEADER);
        });
    }

    @Override
    public void close() {
        for (RaftHost host : hosts.values()) host.close();
    }
}
