package dev.floe.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the consensus thread may ask without touching the disk ({@code cachedEntries}), and file reads
 * (the log-reader thread's) that run outside the storage's lock while the log is cut under them.
 */
class CachedEntriesTest {
    @TempDir
    Path dir;

    private static List<Entry> batch(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i < to; i++) out.add(TestEntries.entry(term, i, (int) (i % 90)));
        return out;
    }

    @Test
    void cachedEntriesAnswersFromTheCacheOnlyAndNothingBelowIt() throws Exception {
        StorageOptions options = StorageOptions.builder().segmentBytes(16 * 1024).cacheEntries(16).cacheBytes(1 << 20).build();
        try (FileLogStorage log = FileLogStorage.open(dir, options)) {
            log.append(batch(1, 201, 1)).get(10, TimeUnit.SECONDS);
            assertThat(log.cachedEntries(1, 201, Long.MAX_VALUE)).as("long written out of the cache").isEmpty();
            assertThat(log.cachedEntries(195, 201, Long.MAX_VALUE)).isEqualTo(log.entries(195, 201, Long.MAX_VALUE));
            assertThat(log.cachedEntries(195, 201, 1)).as("at least one entry within the byte limit").hasSize(1);
            assertThat(log.entries(1, 201, Long.MAX_VALUE)).as("the files have the rest").hasSize(200);
        }
    }

    @Test
    void fileReadsBelowASuffixBeingCutSeeTheirEntriesWhileTermLookupsGoOn() throws Exception {
        StorageOptions options = StorageOptions.builder().segmentBytes(8 * 1024).cacheEntries(4).cacheBytes(4096).build();
        try (FileLogStorage log = FileLogStorage.open(dir, options)) {
            log.append(batch(1, 150, 1)).get(10, TimeUnit.SECONDS);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            Thread reader = new Thread(() -> {
                try {
                    while (!done.get()) {
                        List<Entry> entries = log.entries(1, 150, Long.MAX_VALUE);
                        assertThat(entries).isEqualTo(batch(1, 150, 1));
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "reader");
            reader.start();
            // A follower's suffix overwritten again and again (paper §5.3), each time by a newer term.
            for (long term = 2; term < 60 && failure.get() == null; term++) {
                log.append(batch(150, 220, term)).get(10, TimeUnit.SECONDS);
                assertThat(log.term(149)).isEqualTo(1);
                assertThat(log.term(219)).isEqualTo(term);
            }
            while (reads.get() < 3 && failure.get() == null) Thread.onSpinWait();
            done.set(true);
            reader.join(10_000);
            assertThat(failure.get()).isNull();
        }
    }
}
