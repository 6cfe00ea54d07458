package dev.floe.raft.metrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftEvent;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.ServerStatus;
import dev.floe.raft.storage.FileLogStorage;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.LocalCluster;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented meter names, tags and values, from a running in-process cluster, a file log and two Netty transports. */
class FloeMetricsTest {
    private static final RaftServerOptions FAST = RaftServerOptions.builder().tickInterval(Duration.ofMillis(20))
            .electionTicks(10, 1).requestTimeout(Duration.ofSeconds(5)).build();

    private final MeterRegistry registry = new SimpleMeterRegistry();

    /** A state machine that counts commands. */
    private static final class Counter implements StateMachine {
        private long count;

        @Override
        public synchronized Bytes apply(long index, Bytes command) {
            return Bytes.utf8(Long.toString(++count));
        }

        @Override
        public synchronized Bytes read(Bytes query) {
            return Bytes.utf8(Long.toString(count));
        }

        @Override
        public synchronized void writeSnapshot(java.io.OutputStream out) throws java.io.IOException {
            out.write(Long.toString(count).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public synchronized void restoreSnapshot(java.io.InputStream in) throws java.io.IOException {
            count = Long.parseLong(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private RequiredSearch meter(String name, NodeId member) {
        return registry.get(name).tag("group", "g").tag("member", member.value());
    }

    @Test
    void raftMetersFollowTheClusterWithGroupAndMemberTags() throws Exception {
        try (LocalCluster<Counter> cluster = new LocalCluster<>(3, FAST, Counter::new)
                .configure((b, id) -> b.listener(FloeMetrics.of(registry, "g", id))) // the one line an embedder adds
                .startAll()) {
            RaftServer leader = cluster.awaitLeader();
            List<RaftServer> servers = cluster.running();
            List<CompletableFuture<Bytes>> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) writes.add(leader.submit(Bytes.utf8("c" + i)));
            for (CompletableFuture<Bytes> w : writes) w.get(5, TimeUnit.SECONDS);
            long commit = leader.status().commitIndex();
            RaftServer follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
            try {
                follower.submit(Bytes.utf8("refused")).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                // NotLeaderException: counted as a refusal
            }

            Await.until(Duration.ofSeconds(5), "a report with the writes",
                    () -> meter("floe.raft.commit.index", leader.id()).gauge().value() >= commit
                            && meter("floe.raft.applied.index", follower.id()).gauge().value() >= commit
                            && meter("floe.raft.proposals.refused", follower.id()).tag("reason", "not_leader").functionCounter().count() >= 1
                            && registry.find("floe.raft.follower.match.index").tag("member", leader.id().value())
                                    .tag("peer", follower.id().value()).gauges().stream().anyMatch(g -> g.value() >= commit));
            assertThat(meter("floe.raft.leader", leader.id()).gauge().value()).isEqualTo(1);
            assertThat(meter("floe.raft.leader", follower.id()).gauge().value()).isZero();
            assertThat(meter("floe.raft.term", leader.id()).gauge().value()).isEqualTo(leader.status().term());
            assertThat(meter("floe.raft.commit.latency", leader.id()).timer().count()).isPositive();
            assertThat(meter("floe.raft.commit.latency", follower.id()).timer().count()).isZero();
            assertThat(meter("floe.raft.members", leader.id()).tag("kind", "voter").gauge().value()).isEqualTo(3);
            assertThat(meter("floe.raft.follower.lag", leader.id()).tag("peer", follower.id().value()).gauge().value())
                    .isGreaterThanOrEqualTo(0);
            assertThat(meter("floe.raft.follower.match.index", leader.id()).tag("peer", follower.id().value()).gauge().value())
                    .isGreaterThanOrEqualTo(commit);
            assertThat(registry.find("floe.raft.follower.lag").tag("member", follower.id().value()).meters())
                    .as("only the leader has follower gauges").isEmpty();
            double elections = servers.stream().mapToDouble(s -> meter("floe.raft.elections", s.id()).tag("cause", "no_leader")
                    .counter().count()).sum();
            assertThat(elections).isGreaterThanOrEqualTo(1);
            assertThat(meter("floe.raft.apply.lag", follower.id()).gauge().value()).isGreaterThanOrEqualTo(0);
            for (String name : List.of("floe.raft.snapshot.index", "floe.raft.last.index", "floe.raft.leader.changes",
                    "floe.raft.membership.changes", "floe.raft.fatal.errors", "floe.raft.snapshot.take", "floe.raft.snapshot.install")) {
                assertThat(registry.find(name).tag("member", leader.id().value()).meters()).as(name).hasSize(1);
            }
        }
    }

    @Test
    void eventsMapToTheirDocumentedMeters() {
        NodeId id = NodeId.of("n1");
        NodeId peer = NodeId.of("n2");
        FloeMetrics metrics = FloeMetrics.of(registry, "g", id);
        dev.floe.raft.ClusterConfig three = dev.floe.raft.ClusterConfig.ofVoters("n1", "n2", "n3");
        metrics.onEvent(new RaftEvent.SnapshotTaken(id, 10, 1000, 5_000_000));
        metrics.onEvent(new RaftEvent.SnapshotInstalled(id, 20, 2000, 7_000_000));
        metrics.onEvent(new RaftEvent.SnapshotTransfer(id, peer, RaftEvent.Direction.SENDING, 10, 1000, 1000,
                RaftEvent.TransferState.DONE, 3_000_000));
        metrics.onEvent(new RaftEvent.SnapshotTransfer(id, peer, RaftEvent.Direction.SENDING, 10, 400, 1000,
                RaftEvent.TransferState.IN_PROGRESS, 1_000_000)); // progress only: not a finished transfer
        metrics.onEvent(new RaftEvent.MembershipChanged(id, 2, three, dev.floe.raft.ClusterConfig.ofVoters("n1", "n2")));
        metrics.onEvent(new RaftEvent.FatalError(id, "the state machine failed", new IllegalStateException("boom")));
        metrics.onEvent(new RaftEvent.ElectionStarted(id, 3, RaftEvent.ElectionCause.SPLIT_VOTE, Optional.empty()));
        ServerStatus leading = new ServerStatus(id, ServerStatus.Role.LEADER, 3, Optional.of(id), 50, 48, 52, 10, Map.of(),
                three, Map.of(peer, new ServerStatus.Follower(40, 12)), true);
        metrics.onEvent(new RaftEvent.Report(id, leading, Map.of(RaftEvent.RefusalReason.APPLY_BACKLOG, 7L), new long[] {2_000_000, 4_000_000}));

        assertThat(meter("floe.raft.snapshot.take", id).timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5);
        assertThat(meter("floe.raft.snapshot.install", id).timer().count()).isEqualTo(1);
        assertThat(meter("floe.raft.snapshot.transfer", id).tag("direction", "sending").tag("outcome", "done").timer().count()).isEqualTo(1);
        assertThat(meter("floe.raft.snapshot.transferred", id).tag("direction", "sending").counter().count()).isEqualTo(1000);
        assertThat(meter("floe.raft.membership.changes", id).counter().count()).isEqualTo(1);
        assertThat(meter("floe.raft.fatal.errors", id).counter().count()).isEqualTo(1);
        assertThat(meter("floe.raft.elections", id).tag("cause", "split_vote").counter().count()).isEqualTo(1);
        assertThat(meter("floe.raft.apply.lag", id).gauge().value()).isEqualTo(2);
        assertThat(meter("floe.raft.proposals.refused", id).tag("reason", "apply_backlog").functionCounter().count()).isEqualTo(7);
        assertThat(meter("floe.raft.commit.latency", id).timer().max(TimeUnit.MILLISECONDS)).isEqualTo(4);
        assertThat(meter("floe.raft.follower.lag", id).tag("peer", "n2").gauge().value()).isEqualTo(12);

        // Stepping down removes the per-follower gauges rather than leaving stale values behind.
        metrics.onEvent(new RaftEvent.RoleChanged(id, 4, ServerStatus.Role.FOLLOWER, Optional.of(peer), ServerStatus.Role.LEADER));
        assertThat(registry.find("floe.raft.follower.lag").meters()).isEmpty();
        assertThat(meter("floe.raft.leader", id).gauge().value()).isZero();
        assertThat(meter("floe.raft.term", id).gauge().value()).isEqualTo(4);
    }

    @Test
    void storageMetersCountEntriesBatchesAndFsyncTime(@TempDir Path dir) throws Exception {
        NodeId id = NodeId.of("n1");
        try (FileLogStorage log = FileLogStorage.open(dir, StorageOptions.defaults())) {
            FloeMetrics.of(registry, "g", id).storage(log);
            List<Entry> entries = new ArrayList<>();
            for (int i = 1; i <= 25; i++) entries.add(Entry.command(1, i, Bytes.utf8("e" + i)));
            log.append(entries).get(5, TimeUnit.SECONDS);
            assertThat(meter("floe.storage.entries.written", id).functionCounter().count()).isEqualTo(25);
            assertThat(meter("floe.storage.writes", id).functionCounter().count()).isEqualTo(log.stats().writes()).isPositive();
            assertThat(meter("floe.storage.written", id).functionCounter().count()).isEqualTo(log.stats().bytesWritten());
            assertThat(meter("floe.storage.fsync", id).functionTimer().count()).isEqualTo(log.stats().syncs());
            assertThat(meter("floe.storage.batch.entries.mean", id).gauge().value())
                    .isEqualTo(25.0 / log.stats().writes());
        }
    }

    @Test
    void transportMetersCountMessagesAndBytes() throws Exception {
        NodeId a = NodeId.of("a");
        NodeId b = NodeId.of("b");
        try (NettyTransport ta = new NettyTransport(NettyTransportOptions.builder("c", a, new Endpoint("127.0.0.1", 0)).build());
             NettyTransport tb = new NettyTransport(NettyTransportOptions.builder("c", b, new Endpoint("127.0.0.1", 0)).build())) {
            FloeMetrics.of(registry, "g", a).transport(ta);
            FloeMetrics.of(registry, "g", b).transport(tb);
            ta.start(a, m -> { });
            tb.start(b, m -> { });
            ta.addPeer(b, tb.localEndpoint());
            tb.addPeer(a, ta.localEndpoint());
            ta.send(new HeartbeatRequest(a, b, 1, 0, 0));
            Await.until(Duration.ofSeconds(5), "the message to arrive",
                    () -> meter("floe.transport.messages.received", b).functionCounter().count() == 1);
            assertThat(meter("floe.transport.messages.sent", a).functionCounter().count()).isEqualTo(1);
            assertThat(meter("floe.transport.bytes.sent", a).functionCounter().count()).isPositive();
            assertThat(meter("floe.transport.bytes.received", b).functionCounter().count())
                    .isEqualTo(tb.stats().bytesReceived());
            for (String name : List.of("floe.transport.messages.dropped", "floe.transport.reconnects",
                    "floe.transport.decode.errors", "floe.transport.connections.rejected")) {
                Optional<Meter> m = Optional.ofNullable(registry.find(name).tag("member", "a").meter());
                assertThat(m).as(name).isPresent();
            }
        }
    }
}
