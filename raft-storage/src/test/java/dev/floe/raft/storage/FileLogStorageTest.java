package dev.floe.raft.storage;

import static dev.floe.raft.storage.TestEntries.entry;
import static dev.floe.raft.storage.TestEntries.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLogStorageTest {
    @TempDir
    Path dir;

    private static final StorageOptions SMALL = StorageOptions.builder().segmentBytes(4096).cacheEntries(8).cacheBytes(1024)
            .syncPolicy(SyncPolicy.FSYNC).build();

    @Test
    void newLogIsEmptyAndStartsAtOne() throws IOException {
        try (FileLogStorage log = FileLogStorage.open(dir.resolve("missing/log"), SMALL)) {
            assertThat(log.firstIndex()).isEqualTo(1);
            assertThat(log.lastIndex()).isZero();
            assertThat(log.term(0)).isZero();
            assertThat(log.entries(1, 1, 100)).isEmpty();
            assertThat(log.recoveryReport().newLog()).isTrue();
        }
    }

    @Test
    void statsCountEntriesWritesAndTimeSpentSyncing() throws Exception {
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            for (int i = 1; i <= 30; i += 10) log.append(range(1, i, 10, 20)).get(10, TimeUnit.SECONDS);
            LogStats stats = log.stats();
            assertThat(stats.entriesWritten()).isEqualTo(30);
            assertThat(stats.writes()).isBetween(3L, 30L); // batches of whole appends, split only at segment ends
            assertThat(stats.syncs()).isEqualTo(stats.writes());
            assertThat(stats.syncNanos()).isPositive();
            assertThat(stats.bytesWritten()).isGreaterThan(30 * 20);
        }
    }

    @Test
    void appendedEntriesAreReadableAtOnceDurableWhenTheFutureCompletesAndSurviveReopen() throws Exception {
        List<Entry> written = range(1, 1, 200, 100);
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            var future = log.append(written.subList(0, 10));
            assertThat(log.lastIndex()).isEqualTo(10);
            assertThat(log.entries(1, 11, Long.MAX_VALUE)).isEqualTo(written.subList(0, 10));
            future.get(10, TimeUnit.SECONDS);
            for (int i = 10; i < 200; i += 10) log.append(written.subList(i, i + 10)).get(10, TimeUnit.SECONDS);
            assertThat(log.stats().syncs()).isGreaterThan(0);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.matches("log-\\d{20}-\\d{20}"))).isNotEmpty();
        }
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            assertThat(log.recoveryReport().tornBytesCut()).isZero();
            assertThat(log.lastIndex()).isEqualTo(200);
            // Cache is empty after reopen: everything comes from the segments, across several of them.
            assertThat(log.entries(1, 201, Long.MAX_VALUE)).isEqualTo(written);
            assertThat(log.term(150)).isEqualTo(1);
        }
    }

    @Test
    void readsHonourTheByteLimitButReturnAtLeastOneEntry() throws Exception {
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            log.append(range(1, 1, 50, 100)).get(10, TimeUnit.SECONDS);
            long perEntry = 100 + Entry.OVERHEAD_BYTES;
            assertThat(log.entries(1, 51, 0)).hasSize(1);
            assertThat(log.entries(1, 51, perEntry * 3)).hasSize(3);
            assertThat(log.entries(1, 51, perEntry * 3 + 1)).hasSize(3);
            // Across the cache boundary (the newest 8 are cached, the rest read from disk).
            assertThat(log.entries(40, 51, perEntry * 5)).extracting(Entry::index).containsExactly(40L, 41L, 42L, 43L, 44L);
            assertThatThrownBy(() -> log.entries(0, 3, 10)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> log.entries(1, 52, 10)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void appendBelowTheEndReplacesTheSuffixAcrossSegments() throws Exception {
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            for (int i = 0; i < 15; i++) log.append(range(1, 1 + i * 10, 10, 100)).get(10, TimeUnit.SECONDS);
            assertThat(countSegments()).isGreaterThan(3);
            log.append(range(2, 20, 5, 10)).get(10, TimeUnit.SECONDS);
            assertThat(log.lastIndex()).isEqualTo(24);
            assertThat(log.term(19)).isEqualTo(1);
            assertThat(log.term(20)).isEqualTo(2);
        }
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            assertThat(log.lastIndex()).isEqualTo(24);
            assertThat(log.entries(1, 25, Long.MAX_VALUE)).isEqualTo(concat(range(1, 1, 19, 100), range(2, 20, 5, 10)));
            log.append(range(2, 25, 3, 10)).get(10, TimeUnit.SECONDS);
            assertThat(log.lastIndex()).isEqualTo(27);
        }
    }

    @Test
    void compactionDropsWholeSegmentsAndKeepsThePreviousTermAcrossReopen() throws Exception {
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            for (int i = 0; i < 15; i++) log.append(range(3, 1 + i * 10, 10, 100)).get(10, TimeUnit.SECONDS);
            long segmentsBefore = countSegments();
            log.compact(100);
            assertThat(log.firstIndex()).isEqualTo(101);
            assertThat(log.term(100)).isEqualTo(3);
            assertThatThrownBy(() -> log.term(99)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(countSegments()).isLessThan(segmentsBefore);
            assertThatThrownBy(() -> log.compact(151)).isInstanceOf(IllegalArgumentException.class);
        }
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            // Compaction is by whole segments on disk: the first index may come back lower, never higher.
            assertThat(log.firstIndex()).isBetween(2L, 101L);
            assertThat(log.term(log.firstIndex() - 1)).isEqualTo(3);
            assertThat(log.entries(101, 151, Long.MAX_VALUE)).isEqualTo(range(3, 101, 50, 100));
        }
    }

    /*
     * Rolls are planned by append and finished by the writer in line with the writes. Appending
     * without waiting queues several unfinished rolls at once, and compaction meanwhile must leave a
     * segment the writer has not renamed yet: either mistake fails a write or leaves the wrong files.
     */
    @Test
    void rollsQueuedBehindEachOtherFinishInOrderAndCompactionWaitsForThem() throws Exception {
        List<java.util.concurrent.CompletableFuture<Void>> futures = new java.util.ArrayList<>();
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            for (int i = 0; i < 40; i++) {
                futures.add(log.append(range(3, 1 + i * 10, 10, 100)));
                if (i % 8 == 7) log.compact(i * 10 - 30);
            }
            for (var f : futures) f.get(10, TimeUnit.SECONDS);
            assertThat(log.firstIndex()).isEqualTo(361);
            assertThat(log.entries(361, 401, Long.MAX_VALUE)).isEqualTo(range(3, 361, 40, 100));
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("log-")).sorted().toList();
            assertThat(names).filteredOn(n -> n.endsWith(".open")).hasSize(1);
            assertThat(names).noneMatch(n -> n.endsWith(".tmp"));
            assertThat(names.get(names.size() - 1)).endsWith(".open");
        }
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            assertThat(log.lastIndex()).isEqualTo(400);
            assertThat(log.recoveryReport().tempFilesRemoved()).isZero();
            assertThat(log.entries(361, 401, Long.MAX_VALUE)).isEqualTo(range(3, 361, 40, 100));
        }
    }

    @Test
    void resetRestartsTheLogAfterASnapshotDurably() throws Exception {
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            log.append(range(1, 1, 80, 100)).get(10, TimeUnit.SECONDS);
            log.reset(500, 7);
            assertThat(log.firstIndex()).isEqualTo(501);
            assertThat(log.lastIndex()).isEqualTo(500);
            assertThat(log.term(500)).isEqualTo(7);
            assertThatThrownBy(() -> log.append(List.of(entry(6, 501, 1)))).isInstanceOf(IllegalArgumentException.class);
            log.append(range(7, 501, 3, 10)).get(10, TimeUnit.SECONDS);
        }
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            assertThat(log.firstIndex()).isEqualTo(501);
            assertThat(log.term(500)).isEqualTo(7);
            assertThat(log.entries(501, 504, Long.MAX_VALUE)).isEqualTo(range(7, 501, 3, 10));
        }
    }

    @Test
    void rejectsAppendsOutsideTheLogOrNotConsecutive() throws Exception {
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            log.append(range(2, 1, 3, 10)).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> log.append(List.of(entry(2, 5, 1)))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.append(List.of(entry(2, 4, 1), entry(2, 6, 1)))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.append(List.of(entry(1, 4, 1)))).isInstanceOf(IllegalArgumentException.class);
            assertThat(log.lastIndex()).isEqualTo(3);
        }
    }

    @Test
    void oversizedEntriesGetASegmentOfTheirOwn() throws Exception {
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            log.append(range(1, 1, 2, 10)).get(10, TimeUnit.SECONDS);
            log.append(range(1, 3, 1, 10_000)).get(10, TimeUnit.SECONDS);
            log.append(range(1, 4, 2, 10)).get(10, TimeUnit.SECONDS);
        }
        try (FileLogStorage log = FileLogStorage.open(dir, SMALL)) {
            assertThat(log.entries(1, 6, Long.MAX_VALUE)).isEqualTo(concat(range(1, 1, 2, 10), range(1, 3, 1, 10_000), range(1, 4, 2, 10)));
        }
    }

    @Test
    void aClosedLogRefusesAppends() throws Exception {
        FileLogStorage log = FileLogStorage.open(dir, SMALL);
        log.close();
        assertThatThrownBy(() -> log.append(range(1, 1, 1, 1))).isInstanceOf(IllegalStateException.class);
    }

    private long countSegments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("log-")).count();
        }
    }

    @SafeVarargs
    static List<Entry> concat(List<Entry>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }
}
