package dev.floe.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads from another thread while appends are written, synced and completed on the writer thread, and while compaction deletes segments. */
class ConcurrentReadTest {
    @TempDir
    Path dir;

    @Test
    void readsOnAnotherThreadSeeConsistentEntriesWhileAppendsComplete() throws Exception {
        // A tiny cache so most reads go to the segments that the writer is extending.
        StorageOptions options = StorageOptions.builder().segmentBytes(64 * 1024).cacheEntries(16).cacheBytes(4096).build();
        try (FileLogStorage log = FileLogStorage.open(dir, options)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                Random random = new Random(7);
                try {
                    while (!done.get()) {
                        long last = log.lastIndex();
                        if (last < 1) continue;
                        long from = 1 + random.nextInt((int) last);
                        long to = Math.min(last + 1, from + 1 + random.nextInt(300));
                        List<Entry> entries = log.entries(from, to, 1 + random.nextInt(20_000));
                        assertThat(entries).isNotEmpty();
                        for (int i = 0; i < entries.size(); i++) {
                            Entry e = entries.get(i);
                            assertThat(e.index()).isEqualTo(from + i);
                            assertThat(e).isEqualTo(TestEntries.entry(1, e.index(), (int) (e.index() % 90)));
                            assertThat(log.term(e.index())).isEqualTo(1);
                        }
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "reader");
            reader.start();
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (long next = 1; next <= 20_000; next += 10) {
                List<Entry> batch = new ArrayList<>();
                for (long i = next; i < next + 10; i++) batch.add(TestEntries.entry(1, i, (int) (i % 90)));
                futures.add(log.append(batch));
                if (futures.size() % 50 == 0) futures.get(futures.size() - 1).get(10, TimeUnit.SECONDS);
            }
            for (CompletableFuture<Void> f : futures) f.get(10, TimeUnit.SECONDS);
            done.set(true);
            reader.join(10_000);
            assertThat(failure.get()).isNull();
            assertThat(reads.get()).isGreaterThan(10);
            assertThat(log.lastIndex()).isEqualTo(20_000);
        }
    }

    @Test
    void readsOnAnotherThreadSeeConsistentEntriesWhileCompactionDeletesSegments() throws Exception {
        StorageOptions options = StorageOptions.builder().segmentBytes(16 * 1024).cacheEntries(16).cacheBytes(4096).build();
        try (FileLogStorage log = FileLogStorage.open(dir, options)) {
            for (long next = 1; next <= 20_000; next += 10) {
                List<Entry> batch = new ArrayList<>();
                for (long i = next; i < next + 10; i++) batch.add(TestEntries.entry(1, i, (int) (i % 90)));
                log.append(batch);
            }
            log.append(List.of(TestEntries.entry(1, 20_001, 1))).get(10, TimeUnit.SECONDS);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                Random random = new Random(11);
                try {
                    while (!done.get()) {
                        long first = log.firstIndex();
                        long from = first + random.nextInt(500);
                        List<Entry> entries;
                        try {
                            entries = log.entries(from, from + 200, 1 << 20);
                        } catch (IndexOutOfBoundsException compactedMeanwhile) {
                            assertThat(log.firstIndex()).isGreaterThan(from);
                            continue;
                        }
                        for (int i = 0; i < entries.size(); i++) {
                            assertThat(entries.get(i)).isEqualTo(TestEntries.entry(1, from + i, (int) ((from + i) % 90)));
                        }
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "reader");
            reader.start();
            for (long upTo = 100; upTo <= 19_000; upTo += 100) {
                log.compact(upTo);
                assertThat(log.term(upTo)).isEqualTo(1);
            }
            done.set(true);
            reader.join(10_000);
            assertThat(failure.get()).isNull();
            assertThat(reads.get()).isGreaterThan(10);
            assertThat(log.firstIndex()).isEqualTo(19_001);
        }
        // Reopens as a contiguous suffix.
        try (FileLogStorage log = FileLogStorage.open(dir, options)) {
            assertThat(log.lastIndex()).isEqualTo(20_001);
            assertThat(log.firstIndex()).isLessThanOrEqualTo(19_001);
        }
    }
}
