package dev.floe.raft.examples.it;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.transport.netty.SocketCluster;
import dev.floe.raft.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three servers in one JVM with real files (fsync) and real sockets: the scenarios of the
 * in-memory {@code RaftServerTest}, so a failure here and not there points at a plug.
 */
@ExtendWith(NoFloeThreadsLeft.class)
class FileAndSocketClusterTest {
    @TempDir
    Path root;
    private SocketCluster<RecordingStateMachine> cluster;

    @AfterEach
    void closeCluster() {
        if (cluster != null) cluster.close();
    }

    /** Three members with a directory each under {@link #root} and loopback sockets. */
    private SocketCluster<RecordingStateMachine> cluster() {
        return new SocketCluster<>(3, SocketCluster.FAST, RecordingStateMachine::new, new FileStores(root, false));
    }

    @Test
    void electReplicateSurviveLeaderCloseAndRestartFromDisk() throws Exception {
        cluster = cluster().startAll();
        RaftServer first = cluster.awaitLeader();
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        submitConcurrently(first, "a", 4, 25, acknowledged);

        RaftServer follower = cluster.running().stream().filter(s -> s != first).findFirst().orElseThrow();
        assertThatThrownBy(() -> follower.submit(Bytes.utf8("x")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(NotLeaderException.class, e -> {
                    assertThat(e.leader()).contains(first.id());
                    assertThat(e.leaderEndpoint()).contains(cluster.clientEndpoint(first.id()));
                });

        NodeId old = first.id();
        cluster.stop(old);
        RaftServer second = cluster.awaitLeader();
        assertThat(second.id()).isNotEqualTo(old);
        submitConcurrently(second, "b", 4, 25, acknowledged);

        cluster.start(old); // from its directory: term, vote and log recovered
        cluster.awaitLeader();
        int total = cluster.machine(second.id()).commands().size();
        cluster.awaitMachines("to apply " + total + " commands", m -> m.commands().size() >= total);
        List<String> order = cluster.machine(second.id()).commands();
        assertThat(order).containsAll(acknowledged).doesNotHaveDuplicates();
        for (RaftServer s : cluster.running()) assertThat(cluster.machine(s.id()).commands()).isEqualTo(order);
        assertThat(second.read(Bytes.utf8("count")).get(5, TimeUnit.SECONDS).toUtf8()).isEqualTo(Integer.toString(order.size()));
    }

    @Test
    void wholeClusterRestartsFromDiskWithItsTermAndLog() throws Exception {
        cluster = cluster().startAll();
        RaftServer leader = cluster.awaitLeader();
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        submitConcurrently(leader, "p", 2, 20, acknowledged);
        long term = leader.status().term();
        long committed = leader.status().commitIndex();
        cluster.close();

        cluster.startAll();
        // Every committed entry was durable on a majority before it committed (§5.3); a third member
        // may have been behind when the cluster stopped.
        long holding = cluster.running().stream().filter(s -> s.status().lastLogIndex() >= committed).count();
        assertThat(holding).as("members whose recovered log holds every entry committed before the stop").isGreaterThanOrEqualTo(2);
        RaftServer again = cluster.awaitLeader();
        assertThat(again.status().term()).isGreaterThan(term);
        again.submit(Bytes.utf8("after")).get(5, TimeUnit.SECONDS);
        int total = acknowledged.size() + 1;
        cluster.awaitMachines("to apply " + total + " commands", m -> m.commands().size() >= total);
        List<String> order = cluster.machine(again.id()).commands();
        assertThat(order).hasSize(acknowledged.size() + 1).containsAll(acknowledged).endsWith("after");
        for (RaftServer s : cluster.running()) assertThat(cluster.machine(s.id()).commands()).isEqualTo(order);
    }

    @Test
    void aFollowerWhoseLogIsDamagedIsRepairedFromTheLeaderWithRepairDamagedLog() throws Exception {
        StorageOptions repair = StorageOptions.builder().segmentBytes(4096).repairDamagedLog(true).build();
        cluster = new SocketCluster<>(3, SocketCluster.FAST, RecordingStateMachine::new, new FileStores(root, false, repair)).startAll();
        RaftServer leader = cluster.awaitLeader();
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        submitConcurrently(leader, "d", 2, 100, acknowledged);
        NodeId damaged = cluster.running().stream().filter(s -> s != leader).findFirst().orElseThrow().id();
        cluster.awaitMachines("every member to apply the writes", m -> m.commands().size() >= acknowledged.size());
        cluster.stop(damaged);

        // One record of a closed segment fails its checksum: damage no crash explains.
        Path closed;
        try (var files = Files.list(root.resolve(damaged.value()).resolve("log"))) {
            closed = files.filter(f -> f.getFileName().toString().matches("log-.*-.*") && !f.toString().endsWith(".open"))
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(closed);
        bytes[bytes.length - 10] ^= 0x5a; // inside its last record
        Files.write(closed, bytes);

        cluster.start(damaged); // moves the log aside, starts empty and repairing (no vote until caught up)
        leader.submit(Bytes.utf8("after")).get(10, TimeUnit.SECONDS);
        int total = acknowledged.size() + 1;
        cluster.awaitMachines("the repaired member to apply every write again", m -> m.commands().size() >= total);
        List<String> order = cluster.machine(leader.id()).commands();
        assertThat(order).containsAll(acknowledged).endsWith("after");
        assertThat(cluster.machine(damaged).commands()).isEqualTo(order);
        assertThat(root.resolve(damaged.value()).resolve("log.damaged-1").resolve(closed.getFileName())).exists();
    }

    /** {@code threads} threads each submit {@code perThread} commands without waiting, then wait for all. */
    private static void submitConcurrently(RaftServer leader, String prefix, int threads, int perThread,
                                           List<String> acknowledged) throws Exception {
        List<Thread> submitters = new ArrayList<>();
        List<CompletableFuture<Bytes>> futures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            submitters.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    String command = prefix + thread + "-" + i;
                    futures.add(leader.submit(Bytes.utf8(command)).whenComplete((r, e) -> {
                        if (e == null) acknowledged.add(command);
                    }));
                }
            }));
        }
        submitters.forEach(Thread::start);
        for (Thread t : submitters) t.join(10_000);
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(futures).hasSize(threads * perThread);
    }
}
