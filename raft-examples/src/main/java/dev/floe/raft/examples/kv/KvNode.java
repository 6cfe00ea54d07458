package dev.floe.raft.examples.kv;

import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.ServerHealth;
import dev.floe.raft.server.SnapshotOptions;
import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.NettyTransportConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One running raft-kv member: a {@link RaftServer} over a {@link FileStorage} directory and a
 * {@link NettyTransport} on its raft address, a {@link KvStateMachine}, and a {@link KvHttpServer}
 * on its http address. Starting on an existing directory recovers the member's term, vote and log.
 *
 * <p>{@link #start} blocks while the storage is read and the sockets are bound; {@link #close}
 * stops HTTP first, then the Raft server (which closes the transport and the storage).
 */
public final class KvNode implements AutoCloseable {
    /**
     * raft-kv's Raft timing: 50 ms ticks, elections after 0.5-1 s of silence, 5 s request timeout;
     * lease reads on for {@code ?consistency=lease}, with a 2-tick (100 ms) margin for clock drift.
     */
    public static final RaftServerOptions DEFAULT_OPTIONS = RaftServerOptions.builder()
            .tickInterval(Duration.ofMillis(50))
            .electionTicks(10, 1)
            .requestTimeout(Duration.ofSeconds(5))
            .leaseReads(true, 2)
            .build();

    private final Member self;
    private final RaftServer server;
    private final KvStateMachine machine;
    private final KvHttpServer http;
    private final java.util.concurrent.CompletableFuture<ServerHealth> fatal;
    private final NodeMetrics metrics;
    private final String scheme;

    private KvNode(Member self, RaftServer server, KvStateMachine machine, KvHttpServer http,
                   java.util.concurrent.CompletableFuture<ServerHealth> fatal, NodeMetrics metrics, String scheme) {
        this.scheme = scheme;
        this.self = self;
        this.server = server;
        this.machine = machine;
        this.http = http;
        this.fatal = fatal;
        this.metrics = metrics;
    }

    /**
     * Starts member {@code id} of {@code cluster} with its data in {@code dataDir} (created if missing).
     *
     * @throws IllegalArgumentException if {@code id} is not in the cluster
     * @throws IOException              if the directory is unusable or locked, or a port cannot be bound
     */
    public static KvNode start(NodeId id, ClusterSpec cluster, Path dataDir, RaftServerOptions options) throws IOException {
        return start(id, cluster, dataDir, options, SnapshotOptions.defaults(), false);
    }

    /**
     * Like {@link #start(NodeId, ClusterSpec, Path, RaftServerOptions)}, with when to snapshot and
     * compact the log (the snapshot is the whole map, see {@link KvStateMachine}); with {@code joining}, this
     * member is new to a running cluster: {@code cluster} lists the current members plus this one,
     * and it waits to be added ({@code POST /v1/members} on the leader) instead of campaigning.
     */
    public static KvNode start(NodeId id, ClusterSpec cluster, Path dataDir, RaftServerOptions options,
                               SnapshotOptions snapshots, boolean joining) throws IOException {
        return start(id, cluster, dataDir, options, snapshots, joining, KvSecurity.plaintext());
    }

    /**
     * Like {@link #start(NodeId, ClusterSpec, Path, RaftServerOptions, SnapshotOptions, boolean)}, with
     * the cluster id, TLS, API authentication and HTTP limits of {@code security} (docs/security.md).
     */
    public static KvNode start(NodeId id, ClusterSpec cluster, Path dataDir, RaftServerOptions options,
                               SnapshotOptions snapshots, boolean joining, KvSecurity security) throws IOException {
        Member self = cluster.member(id).orElseThrow(() -> new IllegalArgumentException(
                "--id " + id + " is not in --cluster " + cluster));
        Files.createDirectories(dataDir);
        FileStorage storage = FileStorage.open(dataDir, StorageOptions.defaults());
        java.util.concurrent.CompletableFuture<ServerHealth> fatal = new java.util.concurrent.CompletableFuture<>();
        security.warnIfExposed(id.value(), self.raft(), self.http());
        NettyTransportConfig.Builder net = NettyTransportConfig.builder(security.clusterId(), id, self.raft());
        security.peerTls().ifPresent(net::tls);
        for (Member m : cluster.members()) if (!m.id().equals(id)) net.peer(m.id(), m.raft());
        KvStateMachine machine = new KvStateMachine();
        NettyTransport transport = new NettyTransport(net.build());
        NodeMetrics metrics = new NodeMetrics(id);
        metrics.floe().transport(transport);
        metrics.floe().storage(storage.logStorage());
        KvEvents events = new KvEvents();
        // Each member's client address is its HTTP address: what NotLeaderException names as the leader's.
        java.util.List<dev.floe.raft.Member> members = cluster.members().stream()
                .filter(m -> !joining || !m.id().equals(id))
                .map(m -> dev.floe.raft.Member.voter(m.id(), m.raft(), m.http())).toList();
        RaftServer.Builder builder = RaftServer.builder()
                .id(id)
                .members(members)
                .stateMachine(machine)
                .storage(storage.logStorage(), storage.hardStateStore())
                .snapshotStore(storage.snapshotStore())
                .snapshotOptions(snapshots)
                .closeWith(storage)
                .transport(transport)
                .listener(metrics.floe())
                .listener(events)
                .options(options)
                .onFatal(fatal::complete);
        if (joining) builder.joining();
        RaftServer server = builder.build();
        OpsApi ops;
        try {
            ops = new OpsApi(server, events, metrics, security);
        } catch (IOException e) {
            metrics.close();
            throw e;
        }
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            metrics.close();
            throw new IOException("cannot start " + id + " (raft " + self.raft() + "): " + e.getMessage(), e);
        }
        KvHttpServer http = new KvHttpServer(id.value(), self.http(),
                new KvApi(server, machine, cluster, ops, security.scheme()), security);
        try {
            http.start();
        } catch (IOException e) {
            server.close();
            metrics.close();
            throw e;
        }
        return new KvNode(self, server, machine, http, fatal, metrics, security.scheme());
    }

    public NodeId id() {
        return self.id();
    }

    public Member member() {
        return self;
    }

    /** The Raft server, for programs that use the library directly (the demo, tests). */
    public RaftServer server() {
        return server;
    }

    /**
     * Completes when the Raft server stopped by itself after a fatal error (a failed disk write, for
     * example), with its health naming the cause; the node then no longer serves and its process
     * should exit so that a supervisor restarts it.
     */
    public java.util.concurrent.CompletableFuture<ServerHealth> fatal() {
        return fatal;
    }

    public KvStateMachine machine() {
        return machine;
    }

    /** The base URL of this node's HTTP API, like {@code http://127.0.0.1:8001} ({@code https} with TLS). */
    public String url() {
        return scheme + "://" + self.http();
    }

    @Override
    public void close() {
        http.close();
        server.close();
        metrics.close();
    }
}
