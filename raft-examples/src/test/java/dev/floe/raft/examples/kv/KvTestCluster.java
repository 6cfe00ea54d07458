package dev.floe.raft.examples.kv;

import dev.floe.raft.testkit.FreePorts;

import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import dev.floe.raft.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** raft-kv nodes in one JVM on loopback ports and temporary directories, with fast elections. */
final class KvTestCluster implements AutoCloseable {
    final ClusterSpec spec;
    private final Path root;
    private final RaftServerOptions options;
    private final Map<NodeId, KvNode> nodes = new LinkedHashMap<>();
    private final java.util.function.Function<String, KvSecurity> security;

    /** A cluster of {@code size} members, each with a directory under a fresh temporary one removed by {@link #close}. */
    KvTestCluster(int size, RaftServerOptions options) {
        this(size, options, id -> KvSecurity.plaintext());
    }

    /** As above, each node with the security settings {@code security} gives for its id. */
    KvTestCluster(int size, RaftServerOptions options, java.util.function.Function<String, KvSecurity> security) {
        this.security = security;
        try {
            this.root = Files.createTempDirectory("kv-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.options = options;
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            members.add(Member.parse("n" + i + "=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next()));
        }
        this.spec = new ClusterSpec(members);
    }

    static RaftServerOptions fastOptions() {
        return RaftServerOptions.builder().tickInterval(Duration.ofMillis(50)).electionTicks(10, 1)
                .requestTimeout(Duration.ofSeconds(3)).build();
    }


    KvTestCluster start(String... ids) throws IOException {
        for (String id : ids) {
            NodeId n = NodeId.of(id);
            nodes.put(n, KvNode.start(n, spec, root.resolve(id), options, dev.floe.raft.server.SnapshotOptions.defaults(), false,
                    security.apply(id)));
        }
        return this;
    }

    KvTestCluster startAll() throws IOException {
        for (Member m : spec.members()) if (!nodes.containsKey(m.id())) start(m.id().value());
        return this;
    }

    KvNode node(String id) {
        return nodes.get(NodeId.of(id));
    }

    void stop(NodeId id) {
        KvNode n = nodes.remove(id);
        if (n != null) n.close();
    }

    String url(String id) {
        return security.apply(id).scheme() + "://" + spec.member(NodeId.of(id)).orElseThrow().http();
    }

    /** The leader every running node follows. */
    KvNode awaitLeader() {
        return await(Duration.ofSeconds(10), "a leader all running nodes agree on", () -> {
            for (KvNode n : nodes.values()) {
                if (n.server().status().isLeader() && nodes.values().stream()
                        .allMatch(o -> o.server().status().leader().equals(Optional.of(n.id())))) {
                    return Optional.of(n);
                }
            }
            return Optional.empty();
        });
    }

    /** A running node that is not the leader. */
    KvNode follower() {
        KvNode leader = awaitLeader();
        return nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
    }

    static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
        return Await.value(timeout, what, probe);
    }

    @Override
    public void close() {
        for (NodeId id : List.copyOf(nodes.keySet())) stop(id);
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
