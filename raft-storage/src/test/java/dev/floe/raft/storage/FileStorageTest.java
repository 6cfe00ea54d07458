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
            assertThat(storage.hardState().load()).isEqualTo(new HardState(2, Optional.of(NodeId.of("n1"))));
            assertThat(storage.log().lastIndex()).isEqualTo(3);
            assertThat(storage.snapshots().latest()).isEmpty();
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryInThisJvmFailsClearly() throws IOException {
        try (FileStorage first = FileStorage.open(dir, TestEntries.fast())) {
            assertThatThrownBy(() -> FileStorage.open(dir, TestEntries.fast())).isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining("already in use");
            assertThatThrownBy(() -> FileLogStorage.open(dir.resolve("log"), TestEntries.fast())).isInstanceOf(StorageLockedException.class);
            assertThat(first.log().lastIndex()).isZero();
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
    void aCorruptHardStateRefusesToStart() throws IOException {
        try (FileStorage storage = FileStorage.open(dir, TestEntries.fast())) {
            storage.hardState().save(new HardState(1, Optional.empty()));
        }
        LogRecoveryTest.flipByte(dir.resolve("hardstate"), 9);
        assertThatThrownBy(() -> FileStorage.open(dir, TestEntries.fast())).isInstanceOf(StorageCorruptionException.class);
        // The failed open released the lock.
        Files.delete(dir.resolve("hardstate"));
        FileStorage.open(dir, TestEntries.fast()).close();
    }
}
