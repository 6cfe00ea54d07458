package dev.floe.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHardStateStoreTest {
    @TempDir
    Path dir;

    @Test
    void aNodeThatNeverSavedLoadsTheInitialState() throws IOException {
        assertThat(new FileHardStateStore(dir.resolve("hardstate"), SyncPolicy.FSYNC).load()).isEqualTo(HardState.INITIAL);
    }

    @Test
    void savedStatesReadBackAcrossInstances() throws IOException {
        Path file = dir.resolve("hardstate");
        FileHardStateStore store = new FileHardStateStore(file, SyncPolicy.FSYNC);
        store.save(new HardState(3, Optional.of(NodeId.of("n2"))));
        store.save(new HardState(4, Optional.empty()));
        assertThat(new FileHardStateStore(file, SyncPolicy.FSYNC).load()).isEqualTo(new HardState(4, Optional.empty()));
        store.save(new HardState(5, Optional.of(NodeId.of("node-with.a_long-name"))));
        assertThat(new FileHardStateStore(file, SyncPolicy.FSYNC).load()).isEqualTo(new HardState(5, Optional.of(NodeId.of("node-with.a_long-name"))));
        assertThat(Files.exists(dir.resolve("hardstate.tmp"))).isFalse();
    }

    @Test
    void theRepairFlagIsKept() throws IOException {
        Path file = dir.resolve("hardstate");
        new FileHardStateStore(file, SyncPolicy.FSYNC).save(new HardState(6, Optional.of(NodeId.of("n3")), true));
        assertThat(new FileHardStateStore(file, SyncPolicy.FSYNC).load()).isEqualTo(new HardState(6, Optional.of(NodeId.of("n3")), true));
    }

    @Test
    void aVersion1FileWithoutFlagsStillLoads() throws IOException {
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(4 + 4 + 8 + 2 + 2 + 4);
        v1.putInt(0x464C4853).putInt(1).putLong(9).putShort((short) 2).put("n2".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(v1.array(), 0, v1.position());
        v1.putInt((int) crc.getValue());
        Path file = dir.resolve("hardstate");
        Files.write(file, v1.array());
        assertThat(new FileHardStateStore(file, SyncPolicy.FSYNC).load()).isEqualTo(new HardState(9, Optional.of(NodeId.of("n2"))));
    }

    @Test
    void anInterruptedSaveLeavesThePreviousState() throws IOException {
        Path file = dir.resolve("hardstate");
        new FileHardStateStore(file, SyncPolicy.FSYNC).save(new HardState(7, Optional.of(NodeId.of("n1"))));
        // A crash between writing the temp file and the rename: half a new state in the temp file.
        Files.write(dir.resolve("hardstate.tmp"), new byte[] {0x46, 0x4C, 0x48});
        FileHardStateStore reopened = new FileHardStateStore(file, SyncPolicy.FSYNC);
        assertThat(reopened.load()).isEqualTo(new HardState(7, Optional.of(NodeId.of("n1"))));
        assertThat(Files.exists(dir.resolve("hardstate.tmp"))).isFalse();
    }

    @Test
    void aTempFileWithoutAnyPreviousStateMeansInitial() throws IOException {
        Files.write(dir.resolve("hardstate.tmp"), new byte[10]);
        assertThat(new FileHardStateStore(dir.resolve("hardstate"), SyncPolicy.FSYNC).load()).isEqualTo(HardState.INITIAL);
    }

    @Test
    void aFlippedBitRefusesToLoad() throws IOException {
        Path file = dir.resolve("hardstate");
        new FileHardStateStore(file, SyncPolicy.FSYNC).save(new HardState(9, Optional.of(NodeId.of("n3"))));
        LogRecoveryTest.flipByte(file, 12);
        assertThatThrownBy(() -> new FileHardStateStore(file, SyncPolicy.FSYNC).load())
                .isInstanceOfSatisfying(StorageCorruptionException.class, e -> assertThat(e.file()).isEqualTo(file))
                .hasMessageContaining("checksum");
    }
}
