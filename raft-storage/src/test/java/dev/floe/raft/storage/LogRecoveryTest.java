package dev.floe.raft.storage;

import static dev.floe.raft.storage.TestEntries.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recovery rules of docs/storage.md, one by one, on real files damaged the way crashes and bit rot damage them. */
class LogRecoveryTest {
    private static final int PAYLOAD = 40;
    private static final int RECORD = 25 + PAYLOAD;
    private static final int HEADER = 28;
    private static final StorageOptions OPTIONS = StorageOptions.builder().segmentBytes(1024).maxWriteBytes(4096)
            .cacheEntries(4).syncPolicy(SyncPolicy.NONE).build();

    @TempDir
    Path dir;
    private final List<Entry> written = new ArrayList<>();

    /** Three closed segments of 14 records (1024-byte segments, batches of 7) and an open one of 5. */
    @BeforeEach
    void writeLog() throws Exception {
        try (FileLogStorage log = FileLogStorage.open(dir, OPTIONS)) {
            for (int i = 0; i < 6; i++) append(log, range(1, 1 + i * 7, 7, PAYLOAD));
            append(log, range(2, 43, 5, PAYLOAD));
        }
        assertThat(closedSegments()).hasSize(3);
    }

    private void append(FileLogStorage log, List<Entry> batch) throws Exception {
        log.append(batch).get(10, TimeUnit.SECONDS);
        written.addAll(batch);
    }

    @Test
    void aCleanLogReopensWhole() throws IOException {
        try (FileLogStorage log = FileLogStorage.open(dir, OPTIONS)) {
            assertThat(log.recoveryReport()).isEqualTo(new RecoveryReport(4, 47, 0, 0, false));
            assertThat(log.entries(1, 48, Long.MAX_VALUE)).isEqualTo(written);
        }
    }

    @Test
    void tornTailIsCutAtEveryByteOffsetOfTheLastRecords() throws IOException {
        Path open = openSegment();
        byte[] original = Files.readAllBytes(open);
        assertThat(original).hasSize(HEADER + 5 * RECORD);
        for (int cut = HEADER + 2 * RECORD; cut < original.length; cut++) {
            Files.write(open, java.util.Arrays.copyOf(original, cut));
            int whole = (cut - HEADER) / RECORD;
            try (FileLogStorage log = FileLogStorage.open(dir, OPTIONS)) {
                assertThat(log.lastIndex()).as("cut at %d", cut).isEqualTo(42 + whole);
                assertThat(log.recoveryReport().tornBytesCut()).isEqualTo(cut - HEADER - (long) whole * RECORD);
                assertThat(log.entries(1, log.lastIndex() + 1, Long.MAX_VALUE)).isEqualTo(written.subList(0, 42 + whole));
            }
            assertThat(Files.size(open)).isEqualTo(HEADER + (long) whole * RECORD);
        }
    }

    @Test
    void aBadChecksumInTheLastRecordOfTheOpenSegmentIsATornTail() throws Exception {
        flipByte(openSegment(), HEADER + 4 * RECORD + 30);
        try (FileLogStorage log = FileLogStorage.open(dir, OPTIONS)) {
            assertThat(log.lastIndex()).isEqualTo(46);
            assertThat(log.recoveryReport().tornBytesCut()).isEqualTo(RECORD);
            // The log goes on from the cut.
            log.append(range(3, 47, 2, PAYLOAD)).get(10, TimeUnit.SECONDS);
        }
        try (FileLogStorage log = FileLogStorage.open(dir, OPTIONS)) {
            assertThat(log.lastIndex()).isEqualTo(48);
            assertThat(log.recoveryReport().tornBytesCut()).isZero();
        }
    }

    @Test
    void aBadChecksumInAClosedSegmentRefusesToStartNamingFileAndOffset() throws IOException {
        Path second = closedSegments().get(1);
        long offset = HEADER + 3 * RECORD;
        flipByte(second, offset + 30);
        assertThatThrownBy(() -> FileLogStorage.open(dir, OPTIONS))
                .isInstanceOfSatisfying(StorageCorruptionException.class, e -> {
                    assertThat(e.file()).isEqualTo(second);
                    assertThat(e.offset()).isEqualTo(offset);
                })
                .hasMessageContaining(second.getFileName().toString()).hasMessageContaining("offset " + offset);
        // Refusing leaves the directory unlocked and untouched, so an operator can inspect it.
        assertThat(Files.size(second)).isEqualTo(HEADER + 14L * RECORD);
    }

    @Test
    void damageInTheOpenSegmentFollowedByMoreThanOneWriteIsCorruption() throws Exception {
        Path big = dir.resolve("big");
        StorageOptions roomy = OPTIONS.toBuilder().segmentBytes(1 << 20).build();
        try (FileLogStorage log = FileLogStorage.open(big, roomy)) {
            for (int i = 0; i < 20; i++) log.append(range(1, 1 + i * 10, 10, PAYLOAD)).get(10, TimeUnit.SECONDS);
        }
        Path open;
        try (Stream<Path> files = Files.list(big)) {
            open = files.filter(p -> p.toString().endsWith(".open")).findFirst().orElseThrow();
        }
        flipByte(open, HEADER + RECORD + 30);
        assertThatThrownBy(() -> FileLogStorage.open(big, roomy))
                .isInstanceOfSatisfying(StorageCorruptionException.class, e -> assertThat(e.offset()).isEqualTo(HEADER + RECORD))
                .hasMessageContaining("not a torn tail");
    }

    @Test
    void aMissingSegmentInTheMiddleRefusesToStart() throws IOException {
        List<Path> closed = closedSegments();
        Files.delete(closed.get(1));
        assertThatThrownBy(() -> FileLogStorage.open(dir, OPTIONS))
                .isInstanceOfSatisfying(StorageCorruptionException.class, e -> assertThat(e.file()).isEqualTo(closed.get(2)))
                .hasMessageContaining("missing");
    }

    @Test
    void aClosedSegmentShorterThanItsNameRefusesToStart() throws IOException {
        Path first = closedSegments().get(0);
        byte[] bytes = Files.readAllBytes(first);
        Files.write(first, java.util.Arrays.copyOf(bytes, bytes.length - RECORD));
        assertThatThrownBy(() -> FileLogStorage.open(dir, OPTIONS)).isInstanceOf(StorageCorruptionException.class)
                .hasMessageContaining("its name says");
    }

    @Test
    void aDamagedSegmentHeaderRefusesToStart() throws IOException {
        flipByte(closedSegments().get(0), 0);
        assertThatThrownBy(() -> FileLogStorage.open(dir, OPTIONS)).isInstanceOf(StorageCorruptionException.class)
                .hasMessageContaining("magic");
    }

    @Test
    void twoOpenSegmentsRefuseToStart() throws IOException {
        Path last = closedSegments().get(2);
        Files.move(last, dir.resolve(String.format("log-%020d.open", 29)));
        assertThatThrownBy(() -> FileLogStorage.open(dir, OPTIONS)).isInstanceOf(StorageCorruptionException.class)
                .hasMessageContaining("open segment that is not the last");
    }

    @Test
    void foreignFilesMakeAClearError() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> FileLogStorage.open(dir, OPTIONS)).isInstanceOf(ForeignDirectoryException.class)
                .hasMessageContaining("not a Floe storage directory").hasMessageContaining("notes.txt");
    }

    @Test
    void crashAfterARollClosedTheSegmentButBeforeTheNextWasCreated() throws Exception {
        Path open = openSegment();
        Files.move(open, dir.resolve(String.format("log-%020d-%020d", 43, 47)));
        Files.write(dir.resolve(String.format("log-%020d.open.tmp", 48)), new byte[] {1, 2, 3});
        try (FileLogStorage log = FileLogStorage.open(dir, OPTIONS)) {
            assertThat(log.recoveryReport().tempFilesRemoved()).isEqualTo(1);
            assertThat(log.lastIndex()).isEqualTo(47);
            log.append(range(2, 48, 1, PAYLOAD)).get(10, TimeUnit.SECONDS);
        }
        try (FileLogStorage log = FileLogStorage.open(dir, OPTIONS)) {
            assertThat(log.lastIndex()).isEqualTo(48);
        }
    }

    @Test
    void everyIntermediateStateOfASuffixTruncationReopensAsAPrefixOfTheOldLog() throws IOException {
        // Truncating at index 20 (in the second closed segment) deletes later segments newest first,
        // then renames the second segment to .open, then cuts it. Replay those steps one at a time.
        List<Path> closed = closedSegments();
        Files.delete(openSegment());
        assertReopensAsPrefix(42);
        Files.delete(closed.get(2));
        assertReopensAsPrefix(28);
        Files.move(closed.get(1), dir.resolve(String.format("log-%020d.open", 15)));
        assertReopensAsPrefix(28);
    }

    private void assertReopensAsPrefix(int last) throws IOException {
        try (FileLogStorage log = FileLogStorage.open(dir, OPTIONS)) {
            assertThat(log.lastIndex()).isEqualTo(last);
            assertThat(log.entries(1, last + 1, Long.MAX_VALUE)).isEqualTo(written.subList(0, last));
        }
        // Reopening created a new open segment after the closed ones; remove it to replay the next step.
        Path fresh = dir.resolve(String.format("log-%020d.open", last + 1));
        Files.deleteIfExists(fresh);
    }

    private Path openSegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".open")).findFirst().orElseThrow();
        }
    }

    private List<Path> closedSegments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("log-\\d+-\\d+")).sorted().toList();
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x10;
        Files.write(file, bytes);
    }
}
