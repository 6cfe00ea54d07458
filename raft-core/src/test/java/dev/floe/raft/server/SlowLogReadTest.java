package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.LocalCluster;
import dev.floe.raft.testkit.NoFloeThreadsLeft;
import dev.floe.raft.testkit.RecordingStateMachine;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A follower far behind needs entries the leader's storage no longer holds in memory; on a slow disk
 * reading them takes seconds. The leader reads them on its log-reader activity (LogReads), off the
 * consensus thread, so meanwhile it keeps its heartbeats going (no election) and commits with the
 * other follower; the lagging follower catches up once the read returns. Fails when the core reads
 * the storage's files itself (RaftLog.slice through LogReader.entries).
 */
@ExtendWith(NoFloeThreadsLeft.class)
class SlowLogReadTest {
    /** Entries up to {@link #coldUpTo} are "on disk": not in memory, and reading them blocks until {@link #release}. */
    static final class StallingReadLog extends ForwardingLogStorage {
        volatile long coldUpTo;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public List<Entry> cachedEntries(long fromIndex, long toIndex, long maxBytes) {
            List<Entry> inMemory = log.cachedEntries(fromIndex, toIndex, maxBytes); // checks the range
            return fromIndex <= coldUpTo ? List.of() : inMemory;
        }

        @Override
        public List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
            if (fromIndex <= coldUpTo) {
                entered.countDown();
                try {
                    if (!release.await(20, TimeUnit.SECONDS)) throw new IllegalStateException("read stalled for 20 s");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException(new InterruptedIOException());
                }
            }
            return log.entries(fromIndex, toIndex, maxBytes);
        }

        @Override
        public void close() {
            release.countDown();
        }
    }

    private final LocalCluster<RecordingStateMachine> cluster = LocalCluster.recording(3, LocalCluster.FAST);
    private final Map<NodeId, StallingReadLog> logs = new LinkedHashMap<>();

    SlowLogReadTest() {
        for (NodeId id : cluster.ids()) {
            StallingReadLog log = new StallingReadLog();
            logs.put(id, log);
            cluster.stores.useLog(id, log);
        }
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void aReadForALaggingFollowerStalledForSecondsNeitherStopsHeartbeatsNorCausesAnElection() throws Exception {
        RaftServer leader = cluster.startAll().awaitLeader();
        for (int i = 0; i < 5; i++) leader.submit(Bytes.utf8("c" + i)).get(5, TimeUnit.SECONDS);
        RaftServer lagging = cluster.anyFollower(leader);
        NodeId laggingId = lagging.id();
        cluster.stop(laggingId);
        for (int i = 0; i < 30; i++) leader.submit(Bytes.utf8("while-away-" + i)).get(5, TimeUnit.SECONDS);
        StallingReadLog leaderLog = logs.get(leader.id());
        leaderLog.coldUpTo = leaderLog.lastIndex(); // everything so far is on the slow disk only
        long term = leader.status().term();

        cluster.start(laggingId);
        assertThat(leaderLog.entered.await(5, TimeUnit.SECONDS)).as("the leader reads the missing entries").isTrue();
        // Stalled for 2 s = 5-10 election timeouts (200-400 ms): a consensus thread blocked in the read
        // sends no heartbeats, so a follower would campaign; commands would wait.
        int committed = StalledDisk.commitThrough(leader, Duration.ofSeconds(2));
        assertThat(cluster.server(laggingId).status().commitIndex()).as("the lagging follower waits for the read")
                .isLessThanOrEqualTo(leaderLog.coldUpTo);
        StalledDisk.assertNoElection(cluster.running(), term, leader.id());
        assertThat(committed).isGreaterThan(5);

        leaderLog.release.countDown();
        List<String> written = cluster.machine(leader.id()).commands();
        cluster.awaitMachine(laggingId, "caught up after the read", m -> m.commands().size() >= written.size());
        assertThat(cluster.machine(laggingId).commands()).isEqualTo(written);
    }
}
