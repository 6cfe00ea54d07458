package dev.floe.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSnapshotStoreTest {
    private static final ClusterConfig CONFIG = new ClusterConfig(new TreeSet<>(List.of(NodeId.of("n1"), NodeId.of("n2"))),
            new TreeSet<>(List.of(NodeId.of("n0"))), new TreeSet<>(List.of(NodeId.of("learner"))));

    @TempDir
    Path dir;

    @Test
    void aCommittedSnapshotStreamsBackWithItsMetadata() throws IOException {
        FileSnapshotStore store = new FileSnapshotStore(dir, SyncPolicy.FSYNC, 2);
        assertThat(store.latest()).isEmpty();
        byte[] data = data(200_000, 1);
        SnapshotStore.Snapshot committed = write(store, new SnapshotMeta(100, 3, CONFIG), data);
        CRC32C crc = new CRC32C();
        crc.update(data);
        assertThat(committed.checksum()).isEqualTo(crc.getValue());

        SnapshotStore.Snapshot latest = new FileSnapshotStore(dir, SyncPolicy.FSYNC, 2).latest().orElseThrow();
        assertThat(latest.meta()).isEqualTo(new SnapshotMeta(100, 3, CONFIG));
        assertThat(latest.sizeBytes()).isEqualTo(data.length);
        assertThat(latest.checksum()).isEqualTo(crc.getValue());
        try (InputStream in = latest.open()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void keepsTheNewestNAndPublishesOnlyOnCommit() throws IOException {
        FileSnapshotStore store = new FileSnapshotStore(dir, SyncPolicy.NONE, 2);
        for (int i = 1; i <= 4; i++) write(store, new SnapshotMeta(i * 10, i, CONFIG), data(100, i));
        assertThat(snapshotFiles()).hasSize(2);
        SnapshotStore.Writer unfinished = store.begin(new SnapshotMeta(50, 5, CONFIG));
        unfinished.write(data(10, 5));
        assertThat(store.latest().orElseThrow().meta().lastIndex()).isEqualTo(40);
        unfinished.abort();
        unfinished.abort();
        assertThat(store.latest().orElseThrow().meta().lastIndex()).isEqualTo(40);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void theTempFileOfAnInterruptedSnapshotIsRemovedAndThePreviousOneStands() throws IOException {
        FileSnapshotStore store = new FileSnapshotStore(dir, SyncPolicy.FSYNC, 2);
        write(store, new SnapshotMeta(10, 1, CONFIG), data(1000, 1));
        SnapshotStore.Writer crashed = store.begin(new SnapshotMeta(20, 2, CONFIG));
        crashed.write(data(5000, 2));
        // The process dies here: no commit, no abort.
        FileSnapshotStore reopened = new FileSnapshotStore(dir, SyncPolicy.FSYNC, 2);
        assertThat(reopened.latest().orElseThrow().meta().lastIndex()).isEqualTo(10);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void damagedDataFailsTheStreamAndADamagedHeaderFailsLatest() throws IOException {
        FileSnapshotStore store = new FileSnapshotStore(dir, SyncPolicy.FSYNC, 2);
        write(store, new SnapshotMeta(10, 1, CONFIG), data(10_000, 1));
        Path file = snapshotFiles().get(0);
        LogRecoveryTest.flipByte(file, Files.size(file) - 16 - 500);
        SnapshotStore.Snapshot snapshot = store.latest().orElseThrow();
        assertThatThrownBy(() -> {
            try (InputStream in = snapshot.open()) {
                in.readAllBytes();
            }
        }).isInstanceOf(StorageCorruptionException.class).hasMessageContaining("checksum");

        LogRecoveryTest.flipByte(file, 20);
        assertThatThrownBy(store::latest).isInstanceOfSatisfying(StorageCorruptionException.class, e -> assertThat(e.file()).isEqualTo(file));
    }

    @Test
    void foreignFilesMakeAClearError() throws IOException {
        Files.writeString(dir.resolve("backup.tar"), "x");
        assertThatThrownBy(() -> new FileSnapshotStore(dir, SyncPolicy.FSYNC, 2)).isInstanceOf(ForeignDirectoryException.class);
    }

    private static SnapshotStore.Snapshot write(FileSnapshotStore store, SnapshotMeta meta, byte[] data) throws IOException {
        SnapshotStore.Writer writer = store.begin(meta);
        writer.write(data, 0, data.length / 2);
        writer.write(data, data.length / 2, data.length - data.length / 2);
        return writer.commit();
    }

    private List<Path> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".snap")).sorted().toList();
        }
    }

    private static byte[] data(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i * seed + i / 7);
        return b;
    }
}
