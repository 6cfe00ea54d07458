package dev.floe.raft.examples.kv;

import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftEvent;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftHostOptions;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.ServerHealth;
import dev.floe.raft.server.SnapshotOptions;
import dev.floe.raft.storage.FileGroupStorage;
import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.transport.netty.NettyHostTransport;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
    private final KvShards shards;
    /** What runs the Raft groups: the one RaftServer, or the RaftHost of a node with several groups. */
    private final AutoCloseable raft;
    private final KvHttpServer http;
    private final java.util.concurrent.CompletableFuture<ServerHealth> fatal;
    private final NodeMetrics metrics;
    private final String scheme;

    private KvNode(Member self, KvShards shards, AutoCloseable raft, KvHttpServer http,
                   java.util.concurrent.CompletableFuture<ServerHealth> fatal, NodeMetrics metrics, String scheme) {
        this.scheme = scheme;
        this.self = self;
        this.shards = shards;
        this.raft = raft;
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
        return start(id, cluster, dataDir, options, snapshots, joining, security, 1);
    }

    /**
     * Like {@link #start(NodeId, ClusterSpec, Path, RaftServerOptions, SnapshotOptions, boolean, KvSecurity)},
     * with the keys split over {@code groups} Raft groups ({@link KvShards}); every member of the
     * cluster is a member of every group, each group elects its own leader, and the groups share one
     * {@link RaftHost}: one raft port, one connection per pair of nodes, fixed thread pools, the
     * groups' logs under {@code dataDir/groups/kv-<i>/}. One group (the default) is the classic node:
     * one {@link RaftServer} on {@code dataDir} itself.
     *
     * @throws IllegalArgumentException if {@code groups} is below 1
     */
    public static KvNode start(NodeId id, ClusterSpec cluster, Path dataDir, RaftServerOptions options,
                               SnapshotOptions snapshots, boolean joining, KvSecurity security, int groups) throws IOException {
        if (groups < 1) throw new IllegalArgumentException("--groups must be at least 1");
        checkLayout(dataDir, groups);
        if (groups > 1) return startGroups(id, cluster, dataDir, options, snapshots, joining, security, groups);
        Member self = self(id, cluster, dataDir, security);
        FileStorage storage = FileStorage.open(dataDir, storageOptions(cluster));
        java.util.concurrent.CompletableFuture<ServerHealth> fatal = new java.util.concurrent.CompletableFuture<>();
        NettyTransportOptions.Builder net = peerTransport(self, cluster, security);
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
        KvShards shards = new KvShards(List.of(new KvShards.Shard(GroupId.DEFAULT, server, machine)));
        OpsApi ops;
        try {
            ops = new OpsApi(shards, events, metrics, security);
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
        return serve(self, shards, server, cluster, ops, fatal, metrics, security);
    }

    /** The HTTP API over {@code shards}; closes {@code raft} and the metrics if it cannot listen. */
    private static KvNode serve(Member self, KvShards shards, AutoCloseable raft, ClusterSpec cluster, OpsApi ops,
                                CompletableFuture<ServerHealth> fatal, NodeMetrics metrics, KvSecurity security) throws IOException {
        KvHttpServer http = new KvHttpServer(self.id().value(), self.http(), new KvApi(shards, cluster, ops, security.scheme()), security);
        try {
            http.start();
        } catch (IOException e) {
            closeQuietly(raft);
            metrics.close();
            throw e;
        }
        return new KvNode(self, shards, raft, http, fatal, metrics, security.scheme());
    }

    private static KvNode startGroups(NodeId id, ClusterSpec cluster, Path dataDir, RaftServerOptions options,
                                      SnapshotOptions snapshots, boolean joining, KvSecurity security, int groups) throws IOException {
        Member self = self(id, cluster, dataDir, security);
        // Heartbeats of many groups to one peer may wait 2 ms for each other and share a frame.
        NettyTransportOptions.Builder net = peerTransport(self, cluster, security).heartbeatCoalescing(Duration.ofMillis(2));
        FileGroupStorage storage = FileGroupStorage.open(dataDir, storageOptions(cluster));
        // Leaders are spread over the nodes every 30 s (leadership transfers), so the write load is too.
        RaftHost host = RaftHost.builder(id, new NettyHostTransport(net.build()), storage)
                .options(RaftHostOptions.builder().balanceInterval(Duration.ofSeconds(30)).build()).build();
        // The host closes its groups (each closes its own files), then the groups' shared log writer stops.
        AutoCloseable raft = () -> {
            try {
                host.close();
            } finally {
                storage.close();
            }
        };
        NodeMetrics metrics = new NodeMetrics(id);
        KvEvents events = new KvEvents();
        CompletableFuture<ServerHealth> fatal = new CompletableFuture<>();
        // Joining: every group starts outside its configuration and waits to be added (admin members add --all-groups).
        List<dev.floe.raft.Member> members = cluster.members().stream()
                .filter(m -> !joining || !m.id().equals(id))
                .map(m -> dev.floe.raft.Member.voter(m.id(), m.raft(), m.http())).toList();
        // An idle group goes quiet (no ticks, no heartbeats): the host's liveness check of the other
        // nodes stands in for its election timer (docs/multi-raft.md).
        RaftServerOptions groupOptions = options.toBuilder().quiesce(true, 10).build();
        List<KvShards.Shard> shards = new ArrayList<>();
        try {
            host.start();
            for (int i = 0; i < groups; i++) {
                GroupId group = KvShards.groupId(i);
                KvStateMachine machine = new KvStateMachine();
                boolean first = i == 0;
                RaftServer server = host.startGroup(group, b -> {
                    b.members(members).stateMachine(machine).snapshotOptions(snapshots).options(groupOptions)
                            .listener(metrics.group(group.value()))
                            // The host removes a group that failed; the node then stops, as a one-group node does.
                            .listener(event -> {
                                if (event instanceof RaftEvent.FatalError f) {
                                    fatal.complete(new ServerHealth(ServerHealth.State.STOPPED,
                                            Optional.of("group " + group + ": " + f.what()), Optional.ofNullable(f.cause())));
                                }
                            });
                    if (first) b.listener(events);
                    if (joining) b.joining();
                });
                shards.add(new KvShards.Shard(group, server, machine));
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(raft);
            metrics.close();
            throw new IOException("cannot start " + id + " (raft " + self.raft() + ", " + groups + " groups): " + e.getMessage(), e);
        }
        KvShards all = new KvShards(shards);
        OpsApi ops;
        try {
            ops = new OpsApi(all, events, metrics, security);
        } catch (IOException e) {
            closeQuietly(raft);
            metrics.close();
            throw e;
        }
        return serve(self, all, raft, cluster, ops, fatal, metrics, security);
    }

    /**
     * The storage settings: the defaults, and with three or more members a log damaged beyond what
     * a crash explains is moved aside and repaired from the leader instead of refusing to start
     * (the others hold every committed entry while at most one member is damaged); a smaller
     * cluster has nobody to repair from, so it refuses and says what to do.
     */
    private static StorageOptions storageOptions(ClusterSpec cluster) {
        return StorageOptions.builder().repairDamagedLog(cluster.members().size() >= 3).build();
    }

    /** This node's member entry (the id must be in the cluster); creates the data directory and warns if exposed. */
    private static Member self(NodeId id, ClusterSpec cluster, Path dataDir, KvSecurity security) throws IOException {
        Member self = cluster.member(id).orElseThrow(() -> new IllegalArgumentException(
                "--id " + id + " is not in --cluster " + cluster));
        Files.createDirectories(dataDir);
        security.warnIfExposed(id.value(), self.raft(), self.http());
        return self;
    }

    /** The raft transport's options: the cluster id, TLS and every other member's raft address. */
    private static NettyTransportOptions.Builder peerTransport(Member self, ClusterSpec cluster, KvSecurity security) {
        NettyTransportOptions.Builder net = NettyTransportOptions.builder(security.clusterId(), self.id(), self.raft());
        security.peerTls().ifPresent(net::tls);
        for (Member m : cluster.members()) if (!m.id().equals(self.id())) net.peer(m.id(), m.raft());
        return net;
    }

    /**
     * Refuses a data directory written with another number of groups: keys are routed by
     * {@code crc32c(key) mod groups}, so a different count would look for keys in the wrong group.
     */
    private static void checkLayout(Path dataDir, int groups) throws IOException {
        Path grouped = dataDir.resolve("groups");
        boolean hasGroups = Files.isDirectory(grouped);
        boolean hasSingle = Files.exists(dataDir.resolve("log")) || Files.exists(dataDir.resolve("hardstate"));
        if (groups == 1 && hasGroups) {
            throw new IOException(dataDir + " holds the data of a node started with --groups > 1 (" + grouped + "); start it with the same --groups");
        }
        if (groups > 1 && hasSingle && !hasGroups) {
            throw new IOException(dataDir + " holds the data of a one-group node; --groups " + groups + " would not find its keys");
        }
        if (groups > 1 && hasGroups) {
            java.util.SortedSet<GroupId> found = FileGroupStorage.groupsUnder(dataDir);
            java.util.Set<GroupId> expected = new java.util.TreeSet<>();
            for (int i = 0; i < groups; i++) expected.add(KvShards.groupId(i));
            if (!found.isEmpty() && !found.equals(expected)) {
                throw new IOException(dataDir + " holds groups " + found + " but --groups " + groups + " means " + expected
                        + "; the number of groups is fixed for a cluster's life");
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(KvNode.class).warn("closing {} failed", c, e);
        }
    }

    public NodeId id() {
        return self.id();
    }

    public Member member() {
        return self;
    }

    /** The Raft server (the first group's, with several), for programs that use the library directly (the demo, tests). */
    public RaftServer server() {
        return shards.first().server();
    }

    /** Every group on this node, with its server and state machine. */
    KvShards shards() {
        return shards;
    }

    /**
     * Completes when the Raft server stopped by itself after a fatal error (a failed disk write, for
     * example), with its health naming the cause; the node then no longer serves and its process
     * should exit so that a supervisor restarts it.
     */
    public java.util.concurrent.CompletableFuture<ServerHealth> fatal() {
        return fatal;
    }

    /** The state machine (the first group's, with several). */
    public KvStateMachine machine() {
        return shards.first().machine();
    }

    /** The base URL of this node's HTTP API, like {@code http://127.0.0.1:8001} ({@code https} with TLS). */
    public String url() {
        return scheme + "://" + self.http();
    }

    @Override
    public void close() {
        http.close();
        closeQuietly(raft);
        metrics.close();
    }
}
