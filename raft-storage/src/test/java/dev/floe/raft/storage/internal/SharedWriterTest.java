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

    private int logs;

    private AppendWriter log() {
        return new GroupJournal(shared, "g" + logs++).newWriter(lastIndex -> { });
    }

    private SharedWriter start(int threads) throws Exception {
        Path journalDir = dir.resolve("journal");
        java.nio.file.Files.createDirectories(journalDir);
        return new SharedWriter("test-writer", threads, 4, Journal.start(journalDir, 1, SyncPolicy.FSYNC, 1 << 20, Long.MAX_VALUE, Long.MAX_VALUE));
    }

    /** Records in the journal file now (it is zero-filled ahead, so its size says nothing). */
    private int journalRecords() throws Exception {
        return JournalReader.read(dir.resolve("journal").resolve(JournalFormat.fileName(1)), 1, true, 1 << 20).records().size();
    }

    private static List<Entry> entries(long from, int count) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(new Entry(1, from + i, EntryType.COMMAND, Bytes.wrap(new byte[] {(byte) i, 7, 7})));
        return out;
    }

    /**
     * One journal force makes a whole round durable, whatever the number of logs in it: B and C,
     * queued while A's round runs, share the second round and its one force, and both segment
     * files get their entries.
     */
    @Test
    void oneJournalForcePerRoundForEveryLogOfTheRound() throws Exception {
        shared = start(1);
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
        b.submit(new AppendWriter.Request(sb, 0, entries(1, 3), bDone));
        c.submit(new AppendWriter.Request(sc, 0, entries(1, 2), cDone));
        releaseA.countDown();

        CompletableFuture.allOf(bDone, cDone).get(60, TimeUnit.SECONDS);
        a.awaitIdle();
        assertThat(sb.channel.size()).isEqualTo(3 * RecordFormat.size(entries(1, 1).get(0)));
        assertThat(sc.channel.size()).isEqualTo(2 * RecordFormat.size(entries(1, 1).get(0)));
        GroupCommitStats stats = shared.stats();
        assertThat(stats.entries()).isEqualTo(1 + 3 + 2);
        assertThat(stats.rounds()).isEqualTo(2);
        assertThat(stats.logsWritten()).isEqualTo(3);
        assertThat(stats.forces()).isEqualTo(2);
        assertThat(shared.journal().forces()).isEqualTo(2);
    }

    /**
     * A segment is written only once the journal holds (forced) the records of what is written:
     * when the roll before B's second chunk runs (just before that chunk is copied into its
     * segment), the journal already ends after that chunk's record, and the segment does not hold it yet.
     */
    @Test
    void aSegmentIsNeverWrittenAheadOfTheJournal() throws Exception {
        shared = start(1);
        AppendWriter b = log();
        Segment first = segment("b1");
        Segment second = segment("b2");
        List<Entry> batch1 = entries(1, 2);
        List<Entry> batch2 = entries(3, 2);
        long recordBytes = 2L * RecordFormat.size(batch1.get(0));
        AtomicReference<String> seen = new AtomicReference<>();
        CompletableFuture<Void> done1 = new CompletableFuture<>();
        CompletableFuture<Void> done2 = new CompletableFuture<>();
        b.submit(new AppendWriter.Request(first, 0, batch1, done1));
        b.submit(new AppendWriter.Request(second, 0, batch2, done2, () -> {
            try {
                seen.set("journal " + journalRecords() + " records, segment " + second.channel.size());
            } catch (Exception e) {
                seen.set(e.toString());
            }
        }));
        CompletableFuture.allOf(done1, done2).get(30, TimeUnit.SECONDS);
        // Both chunks may ride one round (two records) or two rounds; either way the journal holds the second chunk's record first.
        assertThat(seen.get()).isEqualTo("journal 2 records, segment 0");
        assertThat(second.channel.size()).isEqualTo(recordBytes);
    }

    /** A round of one log (one busy group) is journaled, written and completed on the writer thread itself: no hand-off. */
    @Test
    void aRoundOfOneLogCompletesOnTheWriterThread() throws Exception {
        shared = start(1);
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
        shared = start(2);
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

    /**
     * A failed journal write fails every log of the round, and the journal refuses every later
     * write: nothing is acknowledged that is not journaled, and the logs stay failed.
     */
    @Test
    void aFailedJournalWriteFailsEveryLogOfTheRoundAndEveryLaterAppend() throws Exception {
        shared = start(1);
        AppendWriter a = log();
        AppendWriter b = log();
        Segment sa = segment("a");
        Segment sb = segment("b");
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CompletableFuture<Void> first = new CompletableFuture<>();
        a.submit(new AppendWriter.Request(sa, 0, entries(1, 1), first, () -> {
            inFirst.countDown();
            try {
                releaseFirst.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(inFirst.await(30, TimeUnit.SECONDS)).isTrue();
        long aSize = RecordFormat.size(entries(1, 1).get(0));
        CompletableFuture<Void> fromA = new CompletableFuture<>();
        CompletableFuture<Void> fromB = new CompletableFuture<>();
        a.submit(new AppendWriter.Request(sa, aSize, entries(2, 1), fromA));
        b.submit(new AppendWriter.Request(sb, 0, entries(1, 2), fromB));
        shared.journal().close(); // the journal's file fails under the next round
        releaseFirst.countDown();

        first.get(30, TimeUnit.SECONDS);
        assertThat(fromA).failsWithin(30, TimeUnit.SECONDS);
        assertThat(fromB).failsWithin(30, TimeUnit.SECONDS);
        assertThat(sb.channel.size()).isZero();
        assertThat(shared.journal().failed()).isTrue();
        CompletableFuture<Void> later = new CompletableFuture<>();
        AppendWriter c = log();
        c.submit(new AppendWriter.Request(segment("c"), 0, entries(1, 1), later));
        assertThat(later).failsWithin(30, TimeUnit.SECONDS);
        assertThat(a.failed()).isTrue();
    }

    /**
     * A checkpoint waits for the rounds in progress: a round whose journal record went to the old
     * file has its segment write counted in that checkpoint's forces, or the old file could be
     * deleted while the segment write it describes is not yet forced.
     */
    @Test
    void aCheckpointWaitsForTheRoundInProgressAndForcesItsSegment() throws Exception {
        shared = start(1);
        AppendWriter a = log();
        CountDownLatch inRound = new CountDownLatch(1);
        CountDownLatch releaseRound = new CountDownLatch(1);
        CompletableFuture<Void> done = new CompletableFuture<>();
        a.submit(new AppendWriter.Request(segment("a"), 0, entries(1, 3), done, () -> {
            inRound.countDown(); // journal written and forced; the segment not yet
            try {
                releaseRound.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(inRound.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> checkpoint = new CompletableFuture<>();
        Thread checkpointer = new Thread(() -> {
            try {
                shared.checkpoint();
                checkpoint.complete(null);
            } catch (Throwable e) {
                checkpoint.completeExceptionally(e);
            }
        });
        checkpointer.start();
        // The checkpoint either waits for the round (parked on the round lock) or, if it does not wait, ends.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (checkpointer.getState() != Thread.State.WAITING && checkpointer.isAlive() && System.nanoTime() < deadline) Thread.onSpinWait();
        releaseRound.countDown();
        checkpoint.get(30, TimeUnit.SECONDS);
        done.get(30, TimeUnit.SECONDS);

        assertThat(shared.journal().checkpoints()).isEqualTo(1);
        assertThat(shared.journal().checkpointForces()).isEqualTo(1);
        assertThat(java.nio.file.Files.exists(dir.resolve("journal").resolve(JournalFormat.fileName(1)))).isFalse();
    }
}
