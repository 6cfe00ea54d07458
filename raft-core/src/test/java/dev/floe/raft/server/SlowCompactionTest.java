package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.LocalCluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compaction deletes files and syncs a directory; on a slow disk that takes seconds. It runs on the
 * compaction activity (LogCompactor), off the consensus thread, so meanwhile the leader keeps its
 * heartbeats going (no election) and commits. Fails when ConsensusLoop compacts the log itself.
 */
@ExtendWith(NoFloeThreadsLeft.class)
class SlowCompactionTest {
    /** Every compaction blocks until {@link #release}, like a directory sync on a stalled disk. */
    static final class StallingCompactionLog extends ForwardingLogStorage {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void compact(long index) throws java.io.IOException {
            entered.countDown();
            try {
                if (!release.await(20, TimeUnit.SECONDS)) throw new java.io.IOException("compaction stalled for 20 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            log.compact(index);
        }

        @Override
        public void close() {
            release.countDown();
        }
    }

    /** Three members whose compactions all stall. */
    private final LocalCluster<SnapshottingStateMachine> cluster = new LocalCluster<>(3, LocalCluster.FAST,
            SnapshottingStateMachine::new, SnapshotOptions.builder().triggers(0, 0, 0).build());
    private final Map<NodeId, StallingCompactionLog> logs = new LinkedHashMap<>();

    SlowCompactionTest() {
        for (NodeId id : cluster.ids()) {
            StallingCompactionLog log = new StallingCompactionLog();
            logs.put(id, log);
            cluster.stores.useLog(id, log);
        }
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void aCompactionStalledForSecondsNeitherStopsHeartbeatsNorCausesAnElection() throws Exception {
        RaftServer leader = cluster.startAll().awaitLeader();
        for (int i = 0; i < 10; i++) leader.submit(Bytes.utf8("c" + i)).get(5, TimeUnit.SECONDS);
        long term = leader.status().term();
        StallingCompactionLog leaderLog = logs.get(leader.id());

        CompletableFuture<Long> snapshot = leader.snapshotNow();
        assertThat(leaderLog.entered.await(5, TimeUnit.SECONDS)).as("the compaction started").isTrue();
        // Stalled for 2 s = 5-10 election timeouts (200-400 ms): a blocked consensus thread sends no
        // heartbeats, so a follower would campaign; commands would wait.
        int committed = StalledDisk.commitThrough(leader, Duration.ofSeconds(2));
        assertThat(snapshot).isNotDone();
        StalledDisk.assertNoElection(cluster.running(), term, leader.id());
        assertThat(committed).isGreaterThan(5);

        leaderLog.release.countDown();
        long index = snapshot.get(5, TimeUnit.SECONDS);
        assertThat(leaderLog.firstIndex()).isEqualTo(index + 1); // keepEntries = 0: the log starts after the snapshot
        assertThat(leader.status().snapshotIndex()).isEqualTo(index);
    }
}
