package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.LocalCluster;

import dev.floe.raft.testkit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime honours the core's ordering contract with real threads: acknowledgements wait for
 * durability, the leader replicates while it writes, and the state machine runs off the consensus
 * thread. Windows in which something must <em>not</em> happen are measured in protocol progress
 * (messages delivered), not wall-clock sleeps.
 */
@ExtendWith(NoFloeThreadsLeft.class)
class RaftServerPipelineTest {
    private final LocalCluster<RecordingStateMachine> cluster = LocalCluster.recording(3, LocalCluster.FAST);
    private final List<GatedLogStorage> logs = new ArrayList<>();

    @AfterEach
    void closeCluster() {
        logs.forEach(GatedLogStorage::release);
        cluster.close();
    }

    /** Let at least {@code messages} more messages cross the network: several heartbeat rounds. */
    private void letProtocolRun(int messages) {
        long target = cluster.network.delivered() + messages;
        Await.until(Duration.ofSeconds(5), messages + " more messages", () -> cluster.network.delivered() >= target);
    }

    private RaftServer startWithGatedLogs() {
        for (NodeId id : cluster.clients().keySet()) {
            GatedLogStorage log = new GatedLogStorage();
            logs.add(log);
            cluster.stores.useLog(id, log);
        }
        return cluster.startAll().awaitLeader();
    }

    @Test
    void followersAcknowledgeOnlyDurableEntries_raftFigure2() throws Exception {
        RaftServer leader = startWithGatedLogs();
        leader.submit(Bytes.utf8("warm-up")).get(5, TimeUnit.SECONDS);
        List<GatedLogStorage> followerLogs = new ArrayList<>();
        int i = 0;
        for (NodeId id : cluster.clients().keySet()) {
            if (!id.equals(leader.id())) followerLogs.add(logs.get(i));
            i++;
        }
        followerLogs.forEach(GatedLogStorage::hold);

        CompletableFuture<Bytes> f = leader.submit(Bytes.utf8("held"));
        long index = leader.status().lastLogIndex() + 1;
        Await.until(Duration.ofSeconds(5), "both followers to receive the entry",
                () -> followerLogs.stream().allMatch(l -> l.lastAppended() >= leader.status().lastLogIndex()));
        letProtocolRun(100);
        // Received but not durable on any follower: no majority may count it.
        assertThat(f).isNotDone();
        assertThat(leader.status().commitIndex()).isLessThan(leader.status().lastLogIndex());

        followerLogs.get(0).release();
        assertThat(Long.parseLong(f.get(5, TimeUnit.SECONDS).toUtf8())).isGreaterThanOrEqualTo(index - 1);
    }

    @Test
    void leaderReplicatesWhileItWritesAndAppliesOnlyOnceItsOwnWriteIsDurable_thesis10_2_1() throws Exception {
        RaftServer leader = startWithGatedLogs();
        leader.submit(Bytes.utf8("warm-up")).get(5, TimeUnit.SECONDS);
        GatedLogStorage leaderLog = logs.get(List.copyOf(cluster.clients().keySet()).indexOf(leader.id()));
        leaderLog.hold();

        CompletableFuture<Bytes> f = leader.submit(Bytes.utf8("parallel"));
        // The two followers are a majority without the leader's own disk: the entry commits...
        Await.until(Duration.ofSeconds(5), "the entry to commit on the followers' writes alone",
                () -> leader.status().commitIndex() == leader.status().lastLogIndex()
                        && leader.status().lastLogIndex() == leaderLog.lastAppended());
        letProtocolRun(50);
        // ...but the leader applies only what is durable on its own disk.
        assertThat(f).isNotDone();
        assertThat(leader.status().appliedIndex()).isLessThan(leader.status().commitIndex());

        leaderLog.release();
        f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void stalledStateMachineNeitherStallsHeartbeatsNorGrowsWithoutBound() throws Exception {
        cluster.close();
        LocalCluster<RecordingStateMachine> small = LocalCluster.recording(3, LocalCluster.FAST.toBuilder().maxApplyBacklog(3).build());
        try {
            RaftServer leader = small.startAll().awaitLeader();
            leader.submit(Bytes.utf8("warm-up")).get(5, TimeUnit.SECONDS);
            long term = leader.status().term();
            small.machine(leader.id()).block();

            List<CompletableFuture<Bytes>> taken = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                taken.add(leader.submit(Bytes.utf8("s" + i)));
                int count = 1 + i;
                small.awaitMachines(small.runningIds().stream().filter(id -> !id.equals(leader.id())).toList(),
                        "to apply " + count + " commands", sm -> sm.commands().size() >= count);
            }
            // Leader's applier: one entry in apply, three waiting: over the bound of 3.
            CompletableFuture<Bytes> refused = leader.submit(Bytes.utf8("refused"));
            assertThat(refused).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(BackpressureException.class)
                    .withMessageContaining("waiting for the state machine");

            // Several election timeouts of heartbeats while the state machine is stuck: no election.
            long target = small.network.delivered() + 300;
            Await.until(Duration.ofSeconds(5), "300 more messages", () -> small.network.delivered() >= target);
            assertThat(leader.status().isLeader()).isTrue();
            assertThat(leader.status().term()).isEqualTo(term);
            assertThat(taken).noneMatch(CompletableFuture::isDone);

            small.machine(leader.id()).unblock();
            for (CompletableFuture<Bytes> f : taken) f.get(5, TimeUnit.SECONDS);
            assertThat(small.machine(leader.id()).commands()).containsExactly("warm-up", "s1", "s2", "s3", "s4");
        } finally {
            small.close();
        }
    }
}
