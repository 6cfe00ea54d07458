package dev.floe.raft.examples.bench;

import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.SnapshotOptions;
import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import dev.floe.raft.transport.netty.RaftClient;
import dev.floe.raft.transport.netty.RaftClientEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The benchmarks' cluster: {@code size} {@link RaftServer}s in this JVM on loopback
 * {@link NettyTransport}, each on its own {@link FileStorage} directory (default options: fsync on)
 * with a {@link KvMachine} and a {@link RaftClientEndpoint}, plus one {@link RaftClient}. Members
 * can be stopped and started again on the same directory and ports (restart and catch-up runs),
 * and one more can join (snapshot installation). Closes everything in reverse order.
 */
final class BenchCluster implements AutoCloseable {
    static final String CLUSTER_ID = "kvbench";

    private final Path dataDir;
    private final RaftServerOptions options;
    private final SnapshotOptions snapshots;
    private final boolean withSnapshots;
    private final Map<NodeId, Member> members = new LinkedHashMap<>();
    private final Map<NodeId, RaftServer> servers = new LinkedHashMap<>();
    private final Map<NodeId, RaftClientEndpoint> endpoints = new LinkedHashMap<>();
    private final Map<NodeId, KvMachine> machines = new LinkedHashMap<>();
    private final RaftClient client;

    /**
     * Starts {@code size} members. With {@code snapshots} non-null each member keeps snapshots in
     * its directory with those options; otherwise the log holds everything (no snapshot store).
     */
    BenchCluster(Path dataDir, int size, RaftServerOptions options, SnapshotOptions snapshots) throws Exception {
        this.dataDir = dataDir;
        this.options = options;
        this.withSnapshots = snapshots != null;
        this.snapshots = snapshots == null ? SnapshotOptions.defaults() : snapshots;
        int[] ports = freePorts(2 * size);
        for (int i = 0; i < size; i++) {
            NodeId id = NodeId.of("n" + (i + 1));
            members.put(id, Member.voter(id, new Endpoint("127.0.0.1", ports[i]), new Endpoint("127.0.0.1", ports[size + i])));
        }
        try {
            for (NodeId id : List.copyOf(members.keySet())) start(id, false);
            client = RaftClient.builder(CLUSTER_ID).members(members.values().stream().map(Member::client).toList()).build();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    RaftClient client() {
        return client;
    }

    List<NodeId> ids() {
        return List.copyOf(members.keySet());
    }

    RaftServer server(NodeId id) {
        return servers.get(id);
    }

    KvMachine machine(NodeId id) {
        return machines.get(id);
    }

    Path directory(NodeId id) {
        return dataDir.resolve(id.value());
    }

    /** The current leader, once one is known to every running member's view (waits up to {@code seconds}). */
    RaftServer awaitLeader(int seconds) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (RaftServer s : servers.values()) if (s.status().isLeader()) return s;
            Thread.sleep(10); // polling the published status: no condition to wait on
        }
        throw new TimeoutException("no leader within " + seconds + " s");
    }

    /** A running member other than {@code not}. */
    NodeId other(NodeId not) {
        return servers.keySet().stream().filter(id -> !id.equals(not)).findFirst().orElseThrow();
    }

    /**
     * Starts member {@code id} on its directory (a fresh one, or what it left when stopped);
     * {@code joining} starts a member the cluster does not know yet, waiting to be added.
     */
    RaftServer start(NodeId id, boolean joining) throws IOException, InterruptedException {
        Member self = members.get(id);
        FileStorage storage = FileStorage.open(directory(id), StorageOptions.defaults());
        NettyTransportOptions.Builder transport = NettyTransportOptions.builder(CLUSTER_ID, id, self.raft());
        members.forEach((peer, m) -> {
            if (!peer.equals(id)) transport.peer(peer, m.raft());
        });
        KvMachine machine = new KvMachine();
        RaftServer.Builder builder = RaftServer.builder()
                .id(id)
                .members(members.values().stream().filter(m -> !joining || !m.id().equals(id)).toList())
                .stateMachine(machine)
                .storage(storage.logStorage(), storage.hardStateStore())
                .closeWith(storage)
                .transport(new NettyTransport(transport.build()))
                .options(options);
        if (withSnapshots) builder.snapshotStore(storage.snapshotStore()).snapshotOptions(snapshots);
        if (joining) builder.joining();
        RaftServer server = builder.build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        servers.put(id, server);
        machines.put(id, machine);
        endpoints.put(id, RaftClientEndpoint.builder(CLUSTER_ID, server, self.client()).build().start());
        return server;
    }

    /** Stops member {@code id}, leaving its directory for a later {@link #start}. */
    void stop(NodeId id) {
        RaftClientEndpoint endpoint = endpoints.remove(id);
        if (endpoint != null) endpoint.close();
        RaftServer server = servers.remove(id);
        if (server != null) server.close();
        machines.remove(id);
    }

    /** Reserves ports for one more member (not started): its {@link Member} description. */
    Member reserveMember() throws IOException {
        int[] ports = freePorts(2);
        NodeId id = NodeId.of("n" + (members.size() + 1));
        Member m = Member.learner(id, new Endpoint("127.0.0.1", ports[0]), new Endpoint("127.0.0.1", ports[1]));
        members.put(id, m);
        return m;
    }

    @Override
    public void close() {
        if (client != null) client.close();
        for (NodeId id : List.copyOf(servers.keySet())) stop(id);
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                s.setReuseAddress(true);
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) s.close();
        }
        return ports;
    }
}
