package dev.floe.raft.transport.netty;

import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.Transport;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.testkit.MemoryStores;
import dev.floe.raft.testkit.ServerCluster;
import dev.floe.raft.testkit.StoragePlug;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The real-socket test cluster: real {@link RaftServer}s whose Raft traffic crosses loopback TCP
 * through {@link NettyTransport}, on any {@link StoragePlug} (in-memory by default; raft-examples
 * passes real files), and, when asked, a {@link RaftClientEndpoint} per member on its client
 * address. Every module's socket tests use it through this module's test jar.
 *
 * @param <M> the state machine every start of a member gets a fresh one of
 */
public final class SocketCluster<M extends StateMachine> extends ServerCluster<M, SocketCluster<M>> {
    /** The cluster id of every member's transport and client endpoint. */
    public static final String CLUSTER = "socket-test";
    /** Fast timings for tests: 20 ms ticks, elections after 200-400 ms. */
    public static final RaftServerOptions FAST = RaftServerOptions.builder()
            .tickInterval(Duration.ofMillis(20))
            .electionTicks(10, 1)
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    /** Redials quickly, so a restarted member is reached again within a few election timeouts. */
    public static final Backoff FAST_BACKOFF = Backoff.builder().delays(Duration.ofMillis(10), Duration.ofMillis(100)).jitter(0.5).build();

    private final Supplier<M> machines;
    private final StoragePlug storage;
    private final Map<NodeId, NettyTransport> transports = new ConcurrentHashMap<>();
    private boolean clientEndpoints;
    private UnaryOperator<Transport> wrapper = UnaryOperator.identity();

    /** {@code size} members on in-memory storage. */
    public SocketCluster(int size, RaftServerOptions options, Supplier<M> machines) {
        this(size, options, machines, new MemoryStores(false));
    }

    /** {@code size} members on {@code storage}. */
    public SocketCluster(int size, RaftServerOptions options, Supplier<M> machines, StoragePlug storage) {
        super(size, options);
        this.machines = machines;
        this.storage = storage;
    }

    /** Each member started from now on also serves {@link RaftClient}s on its client address. */
    public SocketCluster<M> withClientEndpoints() {
        clientEndpoints = true;
        return this;
    }

    /** Each member started from now on runs on {@code wrapper} of its {@link NettyTransport}. */
    public SocketCluster<M> wrapTransports(UnaryOperator<Transport> wrapper) {
        this.wrapper = wrapper;
        return this;
    }

    /** The transport {@code id} runs (or last ran) on. */
    public NettyTransport transport(NodeId id) {
        return transports.get(id);
    }

    @Override
    protected Member address(int i) {
        return loopback(i);
    }

    @Override
    protected Launched<M> launch(Member self, Collection<Member> members, boolean joining) throws IOException {
        NettyTransport transport = new NettyTransport(NettyTransportOptions.builder(CLUSTER, self.id(), self.raft())
                .backoff(FAST_BACKOFF).ioThreads(1).build());
        transports.put(self.id(), transport);
        M machine = machines.get();
        RaftServer server = startServer(self, members, joining, machine, b -> {
            b.transport(wrapper.apply(transport));
            storage.plug(b, self.id());
        });
        if (!clientEndpoints) return new Launched<>(server, machine, server);
        RaftClientEndpoint endpoint;
        try {
            endpoint = RaftClientEndpoint.builder(CLUSTER, server, self.client()).build().start();
        } catch (InterruptedException e) {
            server.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + self.client(), e);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new Launched<>(server, machine, () -> {
            endpoint.close();
            server.close();
        });
    }

    @Override
    protected SocketCluster<M> self() {
        return this;
    }
}
