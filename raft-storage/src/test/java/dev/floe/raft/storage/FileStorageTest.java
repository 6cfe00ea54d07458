package dev.floe.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStorageTest {
    @TempDir
    Path dir;

    @Test
    void opensTheThreeStoresInOneDirectoryAndReopens() throws Exception {
        Path root = dir.resolve("node1");
        try (FileStorage storage = FileStorage.open(root, TestEntries.fast())) {
            storage.hardStateStore().save(new HardState(2, Optional.of(NodeId.of("n1"))));
            storage.logStorage().append(TestEntries.range(2, 1, 3, 10)).get(10, TimeUnit.SECONDS);
        }
        assertThat(root.resolve("floe.lock")).exists();
        assertThat(root.resolve("hardstate")).exists();
        assertThat(root.resolve("log")).isDirectory();
        assertThat(root.resolve("snapshots")).isDirectory();
        try (FileStorage storage = FileStorage.open(root, TestEntries.fast())) {
            assertThat(storage.hardStateStore().load()).isEqualTo(new HardState(2, Optional.of(NodeId.of("n1"))));
            assertThat(storage.logStorage().lastIndex()).isEqualTo(3);
            assertThat(storage.snapshotStore().latest()).isEmpty();
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryInThisJvmFailsClearly() throws IOException {
        try (FileStorage first = FileStorage.open(dir, TestEntries.fast())) {
            assertThatThrownBy(() -> FileStorage.open(dir, TestEntries.fast())).isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining("already in use");
            assertThatThrownBy(() -> FileLogStorage.open(dir.resolve("log"), TestEntries.fast())).isInstanceOf(StorageLockedException.class);
            assertThat(first.logStorage().lastIndex()).isZero();
        }
        // Released on close.
        FileStorage.open(dir, TestEntries.fast()).close();
    }

    @Test
    void aForeignDirectoryIsRefusedAndLeftUntouched() throws IOException {
        Files.writeString(dir.resolve("postgresql.conf"), "x");
        assertThatThrownBy(() -> FileStorage.open(dir, TestEntries.fast())).isInstanceOf(ForeignDirectoryException.class)
                .hasMessageContaining("postgresql.conf");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("postgresql.conf"));
        }
    }

    @Test
    void aCorruptHardStateIsKeptAsideAndTheMemberRepairsAtTheLogsTerm() throws Exception {
        writeLog(3, 5);
        LogRecoveryTest.flipByte(dir.resolve("hardstate"), 9);
        try (FileStorage storage = FileStorage.open(dir, TestEntries.fast())) {
            assertThat(storage.repairReason()).get().asString().contains("hardstate").contains("checksum");
            assertThat(storage.hardStateStore().load()).isEqualTo(new HardState(3, Optional.empty(), true));
            assertThat(storage.logStorage().lastIndex()).isEqualTo(5);
        }
        assertThat(dir.resolve("hardstate.damaged")).exists();
    }

    @Test
    void aMissingHardStateNextToALogMakesTheMemberRepairInsteadOfStartingAtTermZeroWithoutAVote() throws Exception {
        writeLog(4, 5);
        Files.delete(dir.resolve("hardstate"));
        try (FileStorage storage = FileStorage.open(dir, TestEntries.fast())) {
            assertThat(storage.repairReason()).get().asString().contains("missing").contains("[1, 5]").contains("last term 4");
            assertThat(storage.hardStateStore().load()).isEqualTo(new HardState(4, Optional.empty(), true));
        }
    }

    @Test
    void aHardStateOlderThanTheLogMakesTheMemberRepair() throws Exception {
        writeLog(4, 5);
        try (FileStorage storage = FileStorage.open(dir, TestEntries.fast())) {
            storage.hardStateStore().save(new HardState(2, Optional.of(NodeId.of("n2")))); // as restored from an old copy
        }
        try (FileStorage storage = FileStorage.open(dir, TestEntries.fast())) {
            assertThat(storage.repairReason()).get().asString().contains("says term 2").contains("has term 4");
            assertThat(storage.hardStateStore().load()).isEqualTo(new HardState(4, Optional.empty(), true));
        }
    }

    @Test
    void aConsistentDirectoryAndANewOneNeedNoRepair() throws Exception {
        try (FileStorage storage = FileStorage.open(dir.resolve("new"), TestEntries.fast())) {
            assertThat(storage.repairReason()).isEmpty();
        }
        dir = dir.resolve("used");
        writeLog(4, 5);
        try (FileStorage storage = FileStorage.open(dir, TestEntries.fast())) {
            assertThat(storage.repairReason()).isEmpty();
            assertThat(storage.hardStateStore().load().repairing()).isFalse();
        }
    }

    @Test
    void aMarkForRepairKeepsTermAndVoteAndLastsUntilTheMemberSavesItsEnd() throws Exception {
        Path empty = dir.resolve("replaced-disk");
        FileStorage.markForRepair(empty, TestEntries.fast());
        try (FileStorage storage = FileStorage.open(empty, TestEntries.fast())) {
            assertThat(storage.repairReason()).get().asString().contains("not finished");
            assertThat(storage.hardStateStore().load()).isEqualTo(new HardState(0, Optional.empty(), true));
            storage.hardStateStore().save(new HardState(7, Optional.of(NodeId.of("n1")))); // what the core saves when caught up
        }
        try (FileStorage storage = FileStorage.open(empty, TestEntries.fast())) {
            assertThat(storage.repairReason()).isEmpty();
        }
    }

    @Test
    void aDamagedClosedSegmentRefusesToStartNamingTheFileTheOffsetAndWhatToDo() throws Exception {
        StorageOptions small = TestEntries.fast().toBuilder().segmentBytes(1024).build();
        try (FileStorage storage = FileStorage.open(dir, small)) {
            storage.hardStateStore().save(new HardState(1, Optional.empty()));
            for (int i = 0; i < 40; i += 4) storage.logStorage().append(TestEntries.range(1, 1 + i, 4, 40)).get(10, TimeUnit.SECONDS);
        }
        Path closed = firstClosedSegment();
        LogRecoveryTest.flipByte(closed, 100);
        assertThatThrownBy(() -> FileStorage.open(dir, small))
                .isInstanceOfSatisfying(StorageCorruptionException.class, e -> assertThat(e.file()).isEqualTo(closed))
                .hasMessageContaining(closed.toString()).hasMessageContaining("at offset ")
                .hasMessageContaining("move " + dir + " aside").hasMessageContaining("repair --data-dir " + dir);
        // The failed open released the lock and left the hard state as it was.
        FileStorage.open(dir.resolve("other"), small).close();
        assertThat(new FileHardStateStore(dir.resolve("hardstate"), SyncPolicy.NONE).load().repairing()).isFalse();
    }

    @Test
    void withRepairOnADamagedLogIsMovedAsideAndTheMemberRepairsFromAnEmptyLogKeepingItsTerm() throws Exception {
        StorageOptions repair = TestEntries.fast().toBuilder().segmentBytes(1024).repairDamagedLog(true).build();
        try (FileStorage storage = FileStorage.open(dir, repair)) {
            storage.hardStateStore().save(new HardState(3, Optional.of(NodeId.of("n2"))));
            for (int i = 0; i < 40; i += 4) storage.logStorage().append(TestEntries.range(3, 1 + i, 4, 40)).get(10, TimeUnit.SECONDS);
        }
        Path closed = firstClosedSegment();
        LogRecoveryTest.flipByte(closed, 100);

        try (FileStorage storage = FileStorage.open(dir, repair)) {
            assertThat(storage.repairReason()).hasValueSatisfying(r -> assertThat(r).contains("damaged", "log.damaged-1"));
            assertThat(storage.logStorage().lastIndex()).isZero();
            HardState hard = new FileHardStateStore(dir.resolve("hardstate"), SyncPolicy.NONE).load();
            // No vote until repaired: it may have acknowledged entries it no longer has. The term is kept.
            assertThat(hard.repairing()).isTrue();
            assertThat(hard.term()).isEqualTo(3);
            assertThat(hard.votedFor()).isEmpty();
        }
        assertThat(dir.resolve("log.damaged-1").resolve(closed.getFileName())).exists();
        // The directory kept aside is Floe's: the next start opens, still repairing until a leader has caught it up.
        try (FileStorage again = FileStorage.open(dir, repair)) {
            assertThat(again.repairReason()).hasValueSatisfying(r -> assertThat(r).contains("not finished"));
        }
    }

    /** The first closed segment of the log in {@link #dir}. */
    private Path firstClosedSegment() throws IOException {
        try (var files = Files.list(dir.resolve("log"))) {
            return files.filter(f -> f.getFileName().toString().matches("log-.*-.*") && !f.toString().endsWith(".open")).sorted()
                    .findFirst().orElseThrow();
        }
    }

    private void writeLog(long term, int entries) throws Exception {
        try (FileStorage storage = FileStorage.open(dir, TestEntries.fast())) {
            storage.hardStateStore().save(new HardState(term, Optional.of(NodeId.of("n1"))));
            storage.logStorage().append(TestEntries.range(term, 1, entries, 10)).get(10, TimeUnit.SECONDS);
        }
    }
}
