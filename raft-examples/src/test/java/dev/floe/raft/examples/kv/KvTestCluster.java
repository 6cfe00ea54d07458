package dev.floe.raft.examples.kv;

import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.SnapshotOptions;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.ServerCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * raft-kv nodes in one JVM on loopback ports and temporary directories, with fast elections: the
 * shared {@link ServerCluster} with each member launched as a whole {@link KvNode} (its HTTP API
 * on the member's client address), plus what only raft-kv has (the cluster spec, HTTP URLs).
 */
final class KvTestCluster implements AutoCloseable {
    final ClusterSpec spec;
    private final Path root;
    private final Function<String, KvSecurity> security;
    private final Nodes nodes;

    /** A cluster of {@code size} members, each with a directory under a fresh temporary one removed by {@link #close}. */
    KvTestCluster(int size, RaftServerOptions options) {
        this(size, options, id -> KvSecurity.plaintext());
    }

    /** As above, each node with the security settings {@code security} gives for its id. */
    KvTestCluster(int size, RaftServerOptions options, Function<String, KvSecurity> security) {
        this.security = security;
        try {
            this.root = Files.createTempDirectory("kv-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.nodes = new Nodes(size, options);
        this.spec = new ClusterSpec(nodes.founders().stream().map(m -> new Member(m.id(), m.raft(), m.client())).toList());
    }

    /** The members' KvNodes: each launched the way `raft-kv node` launches one. */
    private final class Nodes extends ServerCluster<KvNode, Nodes> {
        Nodes(int size, RaftServerOptions options) {
            super(size, options);
        }

        @Override
        protected dev.floe.raft.Member address(int i) {
            return loopback(i);
        }

        @Override
        protected Launched<KvNode> launch(dev.floe.raft.Member self, Collection<dev.floe.raft.Member> members, boolean joining)
                throws IOException {
            KvNode node = KvNode.start(self.id(), spec, root.resolve(self.id().value()), options, SnapshotOptions.defaults(),
                    joining, security.apply(self.id().value()));
            return new Launched<>(node.server(), node, node);
        }

        @Override
        protected Nodes self() {
            return this;
        }
    }

    static RaftServerOptions fastOptions() {
        return RaftServerOptions.builder().tickInterval(Duration.ofMillis(50)).electionTicks(10, 1)
                .requestTimeout(Duration.ofSeconds(3)).build();
    }

    KvTestCluster start(String... ids) {
        for (String id : ids) nodes.start(NodeId.of(id));
        return this;
    }

    KvTestCluster startAll() {
        nodes.startAll();
        return this;
    }

    KvNode node(String id) {
        NodeId n = NodeId.of(id);
        return nodes.server(n) == null ? null : nodes.machine(n);
    }

    void stop(NodeId id) {
        nodes.stop(id);
    }

    String url(String id) {
        return security.apply(id).scheme() + "://" + spec.member(NodeId.of(id)).orElseThrow().http();
    }

    /** The leader every running node follows. */
    KvNode awaitLeader() {
        return nodes.machine(nodes.awaitLeader().id());
    }

    /** A running node that is not the leader. */
    KvNode follower() {
        RaftServer leader = nodes.awaitLeader();
        return nodes.machine(nodes.anyFollower(leader).id());
    }

    static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
        return Await.value(timeout, what, probe);
    }

    @Override
    public void close() {
        nodes.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
