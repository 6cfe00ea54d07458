package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.LocalCluster;

import dev.floe.raft.testkit.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three real servers (threads, clock) in one JVM over the in-memory network and storage. */
@ExtendWith(NoFloeThreadsLeft.class)
class RaftServerTest {
    private final LocalCluster<RecordingStateMachine> cluster = LocalCluster.recording(3, LocalCluster.FAST);

    @AfterEach
    void closeCluster() {
        cluster.close();
    }

    @Test
    void electsOneLeaderAndReplicatesToEveryMember() throws Exception {
        RaftServer leader = cluster.startAll().awaitLeader();
        for (int i = 0; i < 10; i++) {
            Bytes result = leader.submit(Bytes.utf8("c" + i)).get(5, TimeUnit.SECONDS);
            assertThat(Long.parseLong(result.toUtf8())).isPositive();
        }
        cluster.awaitMachines("to apply 10 commands", sm -> sm.commands().size() >= 10);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) expected.add("c" + i);
        for (RaftServer s : cluster.running()) assertThat(cluster.machine(s.id()).commands()).isEqualTo(expected);

        Await.until(Duration.ofSeconds(5), "leader status to show caught-up followers", () -> {
            ServerStatus st = leader.status();
            return st.followers().size() == 2 && st.followers().values().stream().allMatch(f -> f.lag() == 0)
                    && st.appliedIndex() == st.commitIndex() && st.commitIndex() == st.lastLogIndex();
        });
        ServerStatus st = leader.status();
        assertThat(st.role()).isEqualTo(ServerStatus.Role.LEADER);
        assertThat(st.running()).isTrue();
        assertThat(st.members()).isEqualTo(cluster.clients());
        assertThat(st.snapshotIndex()).isZero();
        assertThat(st.lastLogIndex()).isEqualTo(11); // the leader's no-op, then ten commands
        ServerStatus follower = cluster.anyFollower(leader).status();
        assertThat(follower.role()).isEqualTo(ServerStatus.Role.FOLLOWER);
        assertThat(follower.leader()).contains(leader.id());
        assertThat(follower.term()).isEqualTo(st.term());
        assertThat(follower.followers()).isEmpty();
    }

    @Test
    void submitsFromManyThreadsAreAppliedOnceEachInOneOrderEverywhere() throws Exception {
        RaftServer leader = cluster.startAll().awaitLeader();
        int threads = 8;
        int perThread = 200;
        List<List<CompletableFuture<Bytes>>> results = new ArrayList<>();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<CompletableFuture<Bytes>> mine = new ArrayList<>();
            results.add(mine);
            int thread = t;
            submitters.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) mine.add(leader.submit(Bytes.utf8("t" + thread + "-" + i)));
            }));
        }
        submitters.forEach(Thread::start);
        for (Thread t : submitters) t.join(10_000);

        for (List<CompletableFuture<Bytes>> mine : results) {
            long previous = 0;
            for (CompletableFuture<Bytes> f : mine) {
                long index = Long.parseLong(f.get(10, TimeUnit.SECONDS).toUtf8());
                // One thread's submits are proposed in the order it made them.
                assertThat(index).isGreaterThan(previous);
                previous = index;
            }
        }
        cluster.awaitMachines("to apply " + (threads * perThread) + " commands", sm -> sm.commands().size() >= threads * perThread);
        List<String> order = cluster.machine(leader.id()).commands();
        assertThat(order).hasSize(threads * perThread);
        assertThat(new HashSet<>(order)).hasSize(threads * perThread);
        for (RaftServer s : cluster.running()) assertThat(cluster.machine(s.id()).commands()).isEqualTo(order);
    }

    @Test
    void followerRefusesSubmitNamingTheLeaderAndItsClientAddress() throws Exception {
        RaftServer leader = cluster.startAll().awaitLeader();
        RaftServer follower = cluster.anyFollower(leader);
        assertThatThrownBy(() -> follower.submit(Bytes.utf8("x")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(NotLeaderException.class, e -> {
                    assertThat(e.leader()).contains(leader.id());
                    assertThat(e.leaderEndpoint()).contains(cluster.clients().get(leader.id()));
                    assertThat(e.getMessage()).contains(follower.id().value()).contains(leader.id().value());
                });
        assertThat(cluster.machine(leader.id()).commands()).doesNotContain("x");
    }

    @Test
    void readsAreLinearizableOnLeaderAndFollowers() throws Exception {
        RaftServer leader = cluster.startAll().awaitLeader();
        for (int i = 1; i <= 5; i++) {
            leader.submit(Bytes.utf8("w" + i)).get(5, TimeUnit.SECONDS);
            // A read that starts after a write completed observes it, wherever it is served.
            for (RaftServer s : cluster.running()) {
                assertThat(s.read(Bytes.utf8("last")).get(5, TimeUnit.SECONDS).toUtf8()).isEqualTo("w" + i);
            }
        }
        assertThat(leader.read(Bytes.utf8("count")).get(5, TimeUnit.SECONDS).toUtf8()).isEqualTo("5");
    }

    @Test
    void leaderCloseElectsAnotherAndEveryAcknowledgedCommandSurvivesInOrder() throws Exception {
        RaftServer first = cluster.startAll().awaitLeader();
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            first.submit(Bytes.utf8("a" + i)).get(5, TimeUnit.SECONDS);
            acknowledged.add("a" + i);
        }
        // Commands still in flight when the leader goes: each must either apply or fail, never hang.
        List<CompletableFuture<Bytes>> inFlight = new ArrayList<>();
        for (int i = 0; i < 30; i++) inFlight.add(first.submit(Bytes.utf8("f" + i)));
        NodeId old = first.id();
        cluster.stop(old);
        for (CompletableFuture<Bytes> f : inFlight) assertThat(f).isDone();

        RaftServer second = cluster.awaitLeader();
        assertThat(second.id()).isNotEqualTo(old);
        for (int i = 0; i < 30; i++) {
            second.submit(Bytes.utf8("b" + i)).get(5, TimeUnit.SECONDS);
            acknowledged.add("b" + i);
        }
        cluster.start(old);
        cluster.awaitLeader();
        int total = cluster.machine(second.id()).commands().size();
        cluster.awaitMachines("to apply " + (total) + " commands", sm -> sm.commands().size() >= total);
        List<String> order = cluster.machine(second.id()).commands();
        assertThat(order).containsSubsequence(acknowledged);
        for (RaftServer s : cluster.running()) assertThat(cluster.machine(s.id()).commands()).isEqualTo(order);
    }

    @Test
    void wholeClusterRestartsFromItsStorageAndReappliesTheLog() throws Exception {
        RaftServer leader = cluster.startAll().awaitLeader();
        for (int i = 0; i < 20; i++) leader.submit(Bytes.utf8("p" + i)).get(5, TimeUnit.SECONDS);
        long term = leader.status().term();
        cluster.close();

        RaftServer again = cluster.startAll().awaitLeader();
        assertThat(again.status().term()).isGreaterThan(term);
        again.submit(Bytes.utf8("after")).get(5, TimeUnit.SECONDS);
        cluster.awaitMachines("to apply 21 commands", sm -> sm.commands().size() >= 21);
        for (RaftServer s : cluster.running()) {
            List<String> cmds = cluster.machine(s.id()).commands();
            assertThat(cmds).hasSize(21).startsWith("p0", "p1", "p2").endsWith("p19", "after");
        }
    }
}
