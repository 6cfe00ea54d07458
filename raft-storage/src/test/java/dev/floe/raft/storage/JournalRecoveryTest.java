package dev.floe.raft.storage;

import static dev.floe.raft.storage.JournalCrashes.close;
import static dev.floe.raft.storage.JournalCrashes.copyTree;
import static dev.floe.raft.storage.JournalCrashes.forcedBytes;
import static dev.floe.raft.storage.JournalCrashes.group;
import static dev.floe.raft.storage.JournalCrashes.logDir;
import static dev.floe.raft.storage.JournalCrashes.segmentSizes;
import static dev.floe.raft.storage.JournalCrashes.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Entry;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.LogStorage;
import dev.floe.raft.storage.internal.JournalFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The host journal's recovery rules, each on real files: a crash is a copy of the root taken while
 * the storage runs (every append acknowledged), with the groups' segment files then damaged where a
 * crash may damage them (anything written since the last checkpoint).
 */
class JournalRecoveryTest {
    /** Small segments, so a few dozen entries roll several times. */
    private static final StorageOptions OPTIONS = StorageOptions.builder().syncPolicy(SyncPolicy.NONE).segmentBytes(1024)
            .maxWriteBytes(4096).build();

    @TempDir
    Path tmp;

    private Path root() {
        return tmp.resolve("host");
    }

    private Path crash() {
        return tmp.resolve("crash");
    }

    private static void append(GroupStorage.Stores stores, long term, long from, int count) throws Exception {
        stores.log().append(TestEntries.range(term, from, count, 64)).get(10, TimeUnit.SECONDS);
    }

    private static void appendInBatches(GroupStorage.Stores stores, long term, long from, long to) throws Exception {
        for (long i = from; i <= to; i += 5) append(stores, term, i, (int) Math.min(5, to - i + 1));
    }

    /** The log of {@code name} after a restart on {@code root}: [first, last] and its entries. */
    private static List<Entry> reopened(Path root, String name, long expectFirstAtMost, long expectLast) throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root, OPTIONS)) {
            GroupStorage.Stores stores = storage.open(group(name));
            try {
                LogStorage log = stores.log();
                assertThat(log.lastIndex()).as(name + " last index").isEqualTo(expectLast);
                assertThat(log.firstIndex()).as(name + " first index").isLessThanOrEqualTo(expectFirstAtMost);
                return log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE);
            } finally {
                close(stores);
            }
        }
    }

    private static void assertEntries(List<Entry> entries, long term, long from, long to) {
        for (Entry e : entries) {
            if (e.index() >= from && e.index() <= to) assertThat(e).isEqualTo(TestEntries.entry(term, e.index(), 64));
        }
    }

    /**
     * A crash after the journal force but before any segment write of what came after the
     * checkpoint: the segments end as the checkpoint left them, and the journal alone brings back
     * every acknowledged append.
     */
    @Test
    void appendsAcknowledgedSinceTheCheckpointSurviveSegmentsThatNeverGotThem() throws Exception {
        Map<Long, Long> atCheckpoint;
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            appendInBatches(a, 1, 1, 20);
            storage.checkpoint();
            atCheckpoint = segmentSizes(logDir(root(), "a"));
            appendInBatches(a, 1, 21, 60);
            copyTree(root(), crash());
            close(a);
            assertThat(storage.journalStats().checkpoints()).isGreaterThanOrEqualTo(1);
        }
        for (Path segment : segments(logDir(crash(), "a"))) JournalCrashes.truncate(segment, forcedBytes(segment, atCheckpoint));

        try (FileGroupStorage storage = FileGroupStorage.open(crash(), OPTIONS)) {
            // The 40 entries since the checkpoint, 8 appends of 5: one record each.
            assertThat(storage.journalStats().replayedRecords()).isEqualTo(8);
        }
        assertEntries(reopened(crash(), "a", 1, 60), 1, 1, 60);
    }

    enum Damage { TRUNCATED_TAIL, ZEROED_MIDDLE, MISSING_NEW_SEGMENTS, MISSING_DELETION }

    /**
     * Damage a crash may leave in what was written since the checkpoint, none of which the
     * single-group recovery accepts (a zeroed page followed by intact records is corruption to it;
     * a segment missing in the middle is a gap): each is repaired from the journal.
     */
    @ParameterizedTest
    @EnumSource(Damage.class)
    void unforcedDamageSinceTheCheckpointIsRepairedFromTheJournal(Damage damage) throws Exception {
        Map<Long, Long> atCheckpoint;
        Path beforeCompaction = tmp.resolve("before-compaction");
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            appendInBatches(a, 1, 1, 40);
            storage.checkpoint();
            atCheckpoint = segmentSizes(logDir(root(), "a"));
            appendInBatches(a, 1, 41, 120);
            copyTree(logDir(root(), "a"), beforeCompaction);
            if (damage == Damage.MISSING_DELETION) a.log().compact(60);
            copyTree(root(), crash());
            close(a);
        }
        Path log = logDir(crash(), "a");
        List<Path> files = segments(log);
        switch (damage) {
            case TRUNCATED_TAIL -> {
                Path last = files.get(files.size() - 1);
                JournalCrashes.truncate(last, Files.size(last) - 40);
            }
            case ZEROED_MIDDLE -> {
                // The first segment written since the checkpoint: zero a stretch after what was forced.
                Path first = files.stream().filter(f -> !atCheckpoint.containsKey(JournalCrashes.base(f))).findFirst().orElseThrow();
                JournalCrashes.zero(first, forcedBytes(first, atCheckpoint) + 100, 200);
            }
            case MISSING_NEW_SEGMENTS -> {
                // Every segment created since the checkpoint but the last: a gap in the middle of the log.
                for (Path f : files.subList(0, files.size() - 1)) {
                    if (!atCheckpoint.containsKey(JournalCrashes.base(f))) Files.delete(f);
                }
            }
            case MISSING_DELETION -> {
                // The compaction's deletions did not reach the disk: the old segments are back.
                long first = JournalCrashes.base(files.get(0));
                for (Path f : segments(beforeCompaction)) {
                    if (JournalCrashes.base(f) < first) Files.copy(f, log.resolve(f.getFileName()));
                }
                assertThat(segments(log).size()).isGreaterThan(files.size());
            }
        }

        assertEntries(reopened(crash(), "a", damage == Damage.MISSING_DELETION ? 61 : 1, 120), 1, 1, 120);
    }

    /**
     * Truncations (a conflicting append), compactions and resets since the checkpoint are replayed
     * from the journal alone, even with every segment file of both groups back as the checkpoint left it.
     */
    @Test
    void truncationsCompactionsAndResetsAreReplayed() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            GroupStorage.Stores b = storage.open(group("b"));
            appendInBatches(a, 1, 1, 40);
            appendInBatches(b, 1, 1, 40);
            storage.checkpoint();
            copyTree(root().resolve("groups"), tmp.resolve("checkpoint"));
            appendInBatches(a, 1, 41, 60);
            appendInBatches(a, 2, 30, 50); // truncates [30, 60] of term 1
            a.log().compact(45);
            b.log().reset(200, 3);
            appendInBatches(b, 3, 201, 210);
            copyTree(root(), crash());
            close(a);
            close(b);
        }
        JournalCrashes.deleteTree(crash().resolve("groups"));
        copyTree(tmp.resolve("checkpoint"), crash().resolve("groups"));

        List<Entry> a = reopened(crash(), "a", 46, 50);
        assertEntries(a, 1, 1, 29);
        assertEntries(a, 2, 30, 50);
        List<Entry> b = reopened(crash(), "b", 201, 210);
        assertThat(b.get(0).index()).isEqualTo(201);
        assertEntries(b, 3, 201, 210);
    }

    /**
     * A truncation is journaled before it cuts the files: a crash after the cut (forced) but before
     * the replacing append reached the journal must not leave the journal's older appends hanging
     * past the end of the cut log (index 45 existed before the checkpoint, only 46 on are journaled).
     */
    @Test
    void aTruncationWhoseReplacingAppendWasLostIsReplayed() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            appendInBatches(a, 1, 1, 45);
            storage.checkpoint();
            appendInBatches(a, 1, 46, 60);
            append(a, 2, 45, 5); // truncates [45, 60], then appends 45..49 of term 2
            copyTree(root(), crash());
            close(a);
        }
        // The replacing append never reached the disk: its journal record (the last one) is a torn tail...
        Path journal = lastJournal(crash());
        long recordBytes = JournalFormat.fixedSize(1) + 5L * (dev.floe.raft.storage.internal.RecordFormat.OVERHEAD + 64);
        long end = JournalCrashes.recordsEnd(journal);
        JournalCrashes.zero(journal, end - recordBytes, (int) recordBytes);
        // ...and the segment holding 45 ends where the truncation cut it.
        List<Path> files = segments(logDir(crash(), "a"));
        Path last = files.get(files.size() - 1);
        JournalCrashes.truncate(last, 28 + (45 - JournalCrashes.base(last)) * (dev.floe.raft.storage.internal.RecordFormat.OVERHEAD + 64L));

        assertEntries(reopened(crash(), "a", 1, 44), 1, 1, 44);
    }

    /**
     * Recovery can be run again: a crash after the replay rewrote the groups' files but before the
     * journal was deleted replays the same journal over them, to the same logs.
     */
    @Test
    void aSecondRecoveryOverAnInterruptedOneGivesTheSameLogs() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            appendInBatches(a, 1, 1, 30);
            storage.checkpoint();
            appendInBatches(a, 1, 31, 50);
            appendInBatches(a, 2, 40, 55);
            a.log().compact(20);
            copyTree(root(), crash());
            close(a);
        }
        Path journalCopy = tmp.resolve("journal-copy");
        copyTree(crash().resolve("journal"), journalCopy);
        List<Entry> first = reopened(crash(), "a", 21, 55);
        // The journal as the crash left it, as if the first recovery had stopped before deleting it.
        JournalCrashes.deleteTree(crash().resolve("journal"));
        copyTree(journalCopy, crash().resolve("journal"));
        List<Entry> second = reopened(crash(), "a", 21, 55);

        assertThat(second).isEqualTo(first);
        assertEntries(second, 1, 1, 39);
        assertEntries(second, 2, 40, 55);
    }

    private static Path lastJournal(Path root) throws Exception {
        try (Stream<Path> files = Files.list(root.resolve("journal"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".wal")).sorted().reduce((x, y) -> y).orElseThrow();
        }
    }

    /** A torn tail of the last journal file (a round written but never forced, never acknowledged) is ignored. */
    @Test
    void aTornJournalTailIsCut() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            appendInBatches(a, 1, 1, 30);
            copyTree(root(), crash());
            close(a);
        }
        Path journal = lastJournal(crash());
        byte[] bytes = Files.readAllBytes(journal);
        int end = (int) JournalCrashes.recordsEnd(journal);
        assertThat(bytes.length).as("zero-filled ahead").isGreaterThan(end);
        // Half of a copy of the last record: a later round's record, torn.
        try (var channel = java.nio.channels.FileChannel.open(journal, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(java.util.Arrays.copyOfRange(bytes, end - 200, end - 100)), end);
        }

        assertEntries(reopened(crash(), "a", 1, 30), 1, 1, 30);
    }

    /**
     * A record larger than one write is written alone: torn anywhere, with nothing but zeros after
     * it, it is the torn tail of the journal (its entries were never acknowledged), not corruption.
     */
    @Test
    void aTornRecordLargerThanOneWriteIsATornTail() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            appendInBatches(a, 1, 1, 10);
            a.log().append(TestEntries.range(1, 11, 3, 6000)).get(10, TimeUnit.SECONDS); // 18 KB: more than maxWriteBytes (4 KB)
            copyTree(root(), crash());
            close(a);
        }
        Path journal = lastJournal(crash());
        // Only its first 5 KB reached the disk.
        long end = JournalCrashes.recordsEnd(journal);
        long recordBytes = JournalFormat.fixedSize(1) + 3L * (dev.floe.raft.storage.internal.RecordFormat.OVERHEAD + 6000);
        JournalCrashes.zero(journal, end - recordBytes + 5000, (int) recordBytes - 5000);

        assertEntries(reopened(crash(), "a", 1, 10), 1, 1, 10);
    }

    /** Damage that a torn write cannot explain (more than one write follows it, or it is in an older file) refuses the start, naming the file. */
    @Test
    void journalDamageBeforeTheTailIsRefused() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            appendInBatches(a, 1, 1, 200); // far more than maxWriteBytes (4096) of records
            copyTree(root(), crash());
            close(a);
        }
        Path journal = lastJournal(crash());
        JournalCrashes.zero(journal, JournalFormat.HEADER_BYTES + 300, 8);
        Path second = tmp.resolve("second");
        copyTree(crash(), second);

        assertThatThrownBy(() -> FileGroupStorage.open(crash(), OPTIONS).close())
                .isInstanceOf(StorageCorruptionException.class)
                .hasMessageContaining(journal.getFileName().toString())
                .hasMessageContaining("not a torn tail");

        // The same damage at the very end of a file that is not the last one (a crash during a checkpoint left a newer file).
        Path older = lastJournal(second);
        JournalCrashes.zero(older, JournalCrashes.recordsEnd(older) - 10, 10);
        long seq = JournalFormat.parse(older.getFileName().toString()).orElseThrow();
        Files.write(second.resolve("journal").resolve(JournalFormat.fileName(seq + 1)), JournalFormat.encodeHeader(seq + 1).array());
        assertThatThrownBy(() -> FileGroupStorage.open(second, OPTIONS).close())
                .isInstanceOf(StorageCorruptionException.class)
                .hasMessageContaining("not the last one");
    }

    /**
     * A group removed (its directory deleted) and created again under the same name does not get
     * the old group's journaled entries: its creation is journaled as a reset to an empty log.
     */
    @Test
    void aGroupCreatedAgainAfterItsRemovalStartsEmpty() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            appendInBatches(a, 1, 1, 20);
            close(a);
            JournalCrashes.deleteTree(storage.directory(group("a")));
            GroupStorage.Stores again = storage.open(group("a"));
            GroupStorage.Stores other = storage.open(group("gone"));
            appendInBatches(other, 1, 1, 5);
            close(other);
            copyTree(root(), crash());
            close(again);
        }
        JournalCrashes.deleteTree(crash().resolve("groups").resolve("gone")); // removed: its records are dropped

        assertThat(reopened(crash(), "a", 1, 0)).isEmpty();
        assertThat(FileGroupStorage.groupsUnder(crash())).containsExactly(group("a"));
    }

    /**
     * Marking a group of a crashed host for repair replays the journal first: the mark does not
     * open the group's files as a single-group member's (which would find them torn in the middle
     * and refuse, or take them as they are) and the group keeps every acknowledged entry.
     */
    @Test
    void markingAGroupForRepairReplaysTheJournalFirst() throws Exception {
        Map<Long, Long> atCheckpoint;
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            a.hardState().save(new dev.floe.raft.HardState(1, java.util.Optional.empty()));
            appendInBatches(a, 1, 1, 20);
            storage.checkpoint();
            atCheckpoint = segmentSizes(logDir(root(), "a"));
            appendInBatches(a, 1, 21, 60);
            copyTree(root(), crash());
            close(a);
        }
        for (Path segment : segments(logDir(crash(), "a"))) {
            long forced = forcedBytes(segment, atCheckpoint);
            if (Files.size(segment) > forced + 300) JournalCrashes.zero(segment, forced + 100, 100);
        }

        FileGroupStorage.markForRepair(crash(), group("a"), OPTIONS);

        assertEntries(reopened(crash(), "a", 1, 60), 1, 1, 60);
        try (FileStorage repaired = FileStorage.open(crash().resolve("groups").resolve("a"), OPTIONS)) {
            assertThat(repaired.repairReason()).hasValueSatisfying(r -> assertThat(r).contains("repair started earlier"));
        }
    }

    /**
     * A group whose own files are damaged beyond what a crash explains (a record below the journal's
     * reach fails its checksum) does not keep the host's other groups from starting: with
     * repairDamagedLog its log is moved aside and it is marked for repair; without it the start is
     * refused, naming the procedure.
     */
    @Test
    void aGroupDamagedBeyondACrashIsMovedAsideAndRepairedWhileTheOthersReplay() throws Exception {
        Map<Long, Long> atCheckpoint;
        try (FileGroupStorage storage = FileGroupStorage.open(root(), OPTIONS)) {
            GroupStorage.Stores a = storage.open(group("a"));
            GroupStorage.Stores b = storage.open(group("b"));
            a.hardState().save(new dev.floe.raft.HardState(1, java.util.Optional.empty()));
            appendInBatches(a, 1, 1, 20);
            appendInBatches(b, 1, 1, 20);
            storage.checkpoint();
            atCheckpoint = segmentSizes(logDir(root(), "a"));
            appendInBatches(a, 1, 21, 60);
            appendInBatches(b, 1, 21, 60);
            copyTree(root(), crash());
            close(a);
            close(b);
        }
        // Bits flipped in a's first segment, which the checkpoint forced: no crash explains that.
        Path first = segments(logDir(crash(), "a")).get(0);
        assertThat(atCheckpoint).containsKey(JournalCrashes.base(first));
        JournalCrashes.zero(first, 100, 40);
        Path refused = tmp.resolve("refused");
        copyTree(crash(), refused);

        assertThatThrownBy(() -> FileGroupStorage.open(refused, OPTIONS).close())
                .isInstanceOf(StorageCorruptionException.class)
                .hasMessageContaining("repair this member");

        StorageOptions repairing = OPTIONS.toBuilder().repairDamagedLog(true).build();
        try (FileGroupStorage storage = FileGroupStorage.open(crash(), repairing)) {
            assertThat(storage.journalStats().replayedRecords()).isGreaterThanOrEqualTo(16);
        }
        assertEntries(reopened(crash(), "b", 1, 60), 1, 1, 60);
        Path aDir = crash().resolve("groups").resolve("a");
        assertThat(aDir.resolve("log.damaged-1")).isDirectory();
        try (FileStorage a = FileStorage.open(aDir, OPTIONS)) {
            assertThat(a.logStorage().lastIndex()).isZero();
            assertThat(a.repairReason()).hasValueSatisfying(r -> assertThat(r).contains("repair started earlier"));
        }
    }
}
