package dev.floe.raft.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.storage.GroupCommitStats;
import dev.floe.raft.storage.SyncPolicy;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host-wide group commit's rules, on real files with fsync. */
class SharedWriterTest {
    @TempDir
    Path dir;

    private final List<Segment> segments = new ArrayList<>();
    private SharedWriter shared;

    @AfterEach
    void close() throws Exception {
        if (shared != null) shared.close();
        for (Segment s : segments) s.close();
    }

    private Segment segment(String name) throws Exception {
        Path path = dir.resolve(name);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment s = new Segment(1, 0, path, channel, true, 0, 0);
        segments.add(s);
        return s;
    }

    private AppendWriter log() {
        return new AppendWriter(shared, SyncPolicy.FSYNC, 1 << 20, lastIndex -> { });
    }

    private static List<Entry> entries(long from, int count) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(new Entry(1, from + i, EntryType.COMMAND, Bytes.wrap(new byte[] {(byte) i, 7, 7})));
        return out;
    }

    /**
     * The forces of one round are issued concurrently, so the file system can commit them in one
     * journal commit: one log's force (here: its completion, held up by its caller) does not hold up
     * another log's force of the same round. Forced one after the other, B's callback would wait
     * for C forever.
     */
    @Test
    void theForcesOfOneRoundRunConcurrently() throws Exception {
        shared = new SharedWriter("test-writer", 1, 4);
        AppendWriter a = log();
        AppendWriter b = log();
        AppendWriter c = log();
        Segment sb = segment("b");
        Segment sc = segment("c");
        // Hold the only writer thread inside A's round so that B and C are both queued for the next one.
        CountDownLatch inA = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        a.submit(new AppendWriter.Request(segment("a"), 0, entries(1, 1), new CompletableFuture<>(), () -> {
            inA.countDown();
            try {
                releaseA.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(inA.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> bDone = new CompletableFuture<>();
        CompletableFuture<Void> cDone = new CompletableFuture<>();
        AtomicBoolean bSawC = new AtomicBoolean();
        CompletableFuture<Void> bCallback = bDone.thenRun(() -> {
            try {
                cDone.get(30, TimeUnit.SECONDS); // runs on the thread that forced B
                bSawC.set(true);
            } catch (Exception stillWaiting) {
                // C was not forced meanwhile: the round's forces are serial.
            }
        });
        b.submit(new AppendWriter.Request(sb, 0, entries(1, 3), bDone));
        c.submit(new AppendWriter.Request(sc, 0, entries(1, 2), cDone));
        releaseA.countDown();

        cDone.get(60, TimeUnit.SECONDS);
        bCallback.get(60, TimeUnit.SECONDS);
        a.awaitIdle();
        b.awaitIdle();
        assertThat(bSawC).isTrue();
        assertThat(sb.channel.size()).isPositive();
        assertThat(sc.channel.size()).isPositive();
        GroupCommitStats stats = shared.stats();
        assertThat(stats.entries()).isEqualTo(1 + 3 + 2);
        assertThat(stats.forces()).isEqualTo(3);
        assertThat(stats.rounds()).isEqualTo(2);
        assertThat(stats.logsWritten()).isEqualTo(3);
    }

    /** A round of one log (one busy group) is forced on the writer thread itself: no hand-off on that path. */
    @Test
    void aRoundOfOneLogIsForcedOnTheWriterThread() throws Exception {
        shared = new SharedWriter("test-writer", 1, 4);
        AppendWriter a = log();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicReference<String> completedOn = new AtomicReference<>();
        CompletableFuture<Void> callback = done.thenRun(() -> completedOn.set(Thread.currentThread().getName()));
        a.submit(new AppendWriter.Request(segment("a"), 0, entries(1, 4), done));
        callback.get(30, TimeUnit.SECONDS);
        assertThat(completedOn.get()).isEqualTo("test-writer-0");
        assertThat(shared.stats()).isEqualTo(new GroupCommitStats(1, 1, 1, 1, 4, shared.stats().forceNanos()));
    }

    /** Rounds keep each log's order: a log queued again while it is forced is written after that force, in order. */
    @Test
    void eachLogsAppendsCompleteInOrderAcrossConcurrentRounds() throws Exception {
        shared = new SharedWriter("test-writer", 2, 4);
        int logs = 8;
        int appends = 40;
        List<AppendWriter> writers = new ArrayList<>();
        List<Segment> files = new ArrayList<>();
        for (int l = 0; l < logs; l++) {
            writers.add(log());
            files.add(segment("log" + l));
        }
        List<List<Integer>> completions = new ArrayList<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int l = 0; l < logs; l++) completions.add(java.util.Collections.synchronizedList(new ArrayList<>()));
        long[] position = new long[logs];
        for (int i = 0; i < appends; i++) {
            for (int l = 0; l < logs; l++) {
                List<Entry> batch = entries(1 + i, 1);
                CompletableFuture<Void> f = new CompletableFuture<>();
                int n = i;
                List<Integer> order = completions.get(l);
                all.add(f.thenRun(() -> order.add(n)));
                writers.get(l).submit(new AppendWriter.Request(files.get(l), position[l], batch, f));
                position[l] += RecordFormat.size(batch.get(0));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int l = 0; l < logs; l++) {
            assertThat(completions.get(l)).hasSize(appends).isSorted();
            assertThat(files.get(l).channel.size()).isEqualTo(position[l]);
        }
        assertThat(shared.stats().entries()).isEqualTo((long) logs * appends);
    }
}
