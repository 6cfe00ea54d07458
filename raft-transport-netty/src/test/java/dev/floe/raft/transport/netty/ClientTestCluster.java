package dev.floe.raft.transport.netty;

import dev.floe.raft.testkit.FreePorts;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Three {@link RaftServer}s in one JVM, their Raft traffic on a {@link LocalNetwork} and their
 * {@link RaftClientEndpoint}s on real loopback sockets: what the client-protocol tests run against.
 */
final class ClientTestCluster implements AutoCloseable {
    static final String CLUSTER = "client-test";
    static final RaftServerOptions OPTIONS = RaftServerOptions.builder()
            .tickInterval(Duration.ofMillis(20))
            .electionTicks(10, 1)
            .requestTimeout(Duration.ofSeconds(2))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();

    final Map<NodeId, Endpoint> clientEndpoints = new LinkedHashMap<>();
    private final LocalNetwork network = new LocalNetwork();
    private final Map<NodeId, RaftServer> servers = new LinkedHashMap<>();
    private final Map<NodeId, RaftClientEndpoint> endpoints = new LinkedHashMap<>();
    private final Map<NodeId, Machine> machines = new LinkedHashMap<>();

    ClientTestCluster() {
        for (int i = 1; i <= 3; i++) clientEndpoints.put(NodeId.of("n" + i), new Endpoint("127.0.0.1", FreePorts.next()));
        try {
            for (NodeId id : clientEndpoints.keySet()) {
                Machine machine = new Machine();
                RaftServer server = RaftServer.builder()
                        .id(id)
                        .members(clientEndpoints)
                        .stateMachine(machine)
                        .storage(new MemoryLogStorage(), new MemoryHardStateStore())
                        .transport(network.transport(id))
                        .options(OPTIONS)
                        .build();
                server.start();
                servers.put(id, server);
                machines.put(id, machine);
                endpoints.put(id, RaftClientEndpoint.builder(CLUSTER, server, clientEndpoints.get(id)).build().start());
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


    List<Endpoint> allEndpoints() {
        return List.copyOf(clientEndpoints.values());
    }

    /** The leader, once every running member follows it. */
    NodeId awaitLeader() {
        return Await.value("a leader all running members agree on", Duration.ofSeconds(10), () -> {
            List<RaftServer> leaders = new ArrayList<>();
            for (RaftServer s : servers.values()) if (s.status().isLeader()) leaders.add(s);
            if (leaders.size() != 1) return null;
            NodeId leader = leaders.get(0).id();
            boolean agreed = servers.values().stream().allMatch(s -> s.status().leader().equals(Optional.of(leader)));
            return agreed ? leader : null;
        });
    }

    NodeId aFollower(NodeId leader) {
        return servers.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    /** Closes the member's endpoint and server (its state machine stays readable). */
    void stop(NodeId id) {
        RaftClientEndpoint endpoint = endpoints.remove(id);
        if (endpoint != null) endpoint.close();
        RaftServer server = servers.remove(id);
        if (server != null) server.close();
    }

    List<NodeId> running() {
        return List.copyOf(servers.keySet());
    }

    Machine machine(NodeId id) {
        return machines.get(id);
    }

    RaftServer server(NodeId id) {
        return servers.get(id);
    }

    @Override
    public void close() {
        for (NodeId id : List.copyOf(servers.keySet())) stop(id);
        for (RaftClientEndpoint e : endpoints.values()) e.close();
    }

    /** Records every applied command by index; apply returns the index (8 bytes), query the count. */
    static final class Machine implements StateMachine {
        final ConcurrentSkipListMap<Long, Bytes> applied = new ConcurrentSkipListMap<>();

        @Override
        public Bytes apply(long index, Bytes command) {
            applied.put(index, command);
            return index(index);
        }

        @Override
        public Bytes query(Bytes query) {
            if (query.toUtf8().equals("fail")) throw new IllegalArgumentException("query refused by the test machine");
            return Bytes.utf8(Integer.toString(applied.size()));
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(applied.size());
            for (Map.Entry<Long, Bytes> e : applied.entrySet()) {
                data.writeLong(e.getKey());
                data.writeInt(e.getValue().size());
                e.getValue().writeTo(data);
            }
            data.flush();
        }

        @Override
        public void restoreSnapshot(InputStream in) throws IOException {
            DataInputStream data = new DataInputStream(in);
            applied.clear();
            for (int n = data.readInt(); n > 0; n--) {
                long index = data.readLong();
                applied.put(index, Bytes.wrap(data.readNBytes(data.readInt())));
            }
        }
    }

    static Bytes index(long index) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(index).array());
    }

    static long index(Bytes result) {
        return result.asReadOnlyByteBuffer().getLong();
    }
}
