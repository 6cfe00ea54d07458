package dev.floe.raft.storage;

import dev.floe.raft.HardState;
import dev.floe.raft.HardStateStore;
import dev.floe.raft.NodeId;
import dev.floe.raft.storage.internal.FileOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HardStateStore} in one small file, replaced atomically on every save: the new state is
 * written to {@code <file>.tmp}, forced, renamed over the file, and the directory is forced. A crash
 * leaves the old or the new file; a leftover temp file is ignored and removed.
 *
 * <p>Layout (big-endian): magic {@code "FLHS"} (4), version (4), term (8), flags (1, version 2
 * only: bit 0 = repairing), length of the vote (2, 0 for none), the vote's node id in ASCII, CRC32C
 * of everything before (4). Version 1 files (no flags) still load. A file failing the checksum is
 * corruption: {@link #load()} refuses to guess ({@link FileStorage#open} then treats it as lost and
 * repairs the member, see {@code docs/operations.md}).
 */
public final class FileHardStateStore implements HardStateStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileHardStateStore.class);
    private static final int MAGIC = 0x464C4853;
    private static final int VERSION = 2;
    private static final int FIXED_BYTES_V1 = 4 + 4 + 8 + 2 + 4;
    private static final int FIXED_BYTES = 4 + 4 + 8 + 1 + 2 + 4;
    private static final int REPAIRING = 1;

    private final Path file;
    private final SyncPolicy syncPolicy;

    /**
     * A store keeping its state in {@code file}; the parent directory must exist.
     *
     * @param file       the state file
     * @param syncPolicy whether saves are forced to the disk
     * @throws IOException if the temp file of an interrupted save cannot be removed
     */
    public FileHardStateStore(Path file, SyncPolicy syncPolicy) throws IOException {
        this.file = file;
        this.syncPolicy = syncPolicy;
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        if (Files.deleteIfExists(temp)) {
            LOG.warn("{}: removed the temp file of an interrupted save; the previous state stands", temp);
        }
    }

    /** {@return the file holding the state} */
    public Path file() {
        return file;
    }

    @Override
    public HardState load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return HardState.INITIAL;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < FIXED_BYTES_V1) throw new StorageCorruptionException(file, 0, "hard-state file of " + bytes.length + " bytes is too short");
        if (in.getInt(0) != MAGIC) throw new StorageCorruptionException(file, 0, "not a Floe hard-state file (bad magic)");
        int version = in.getInt(4);
        if (version != 1 && version != VERSION) throw new StorageCorruptionException(file, 4, "unsupported hard-state version " + version);
        int flagsAt = 16;
        int voteLengthAt = version == 1 ? 16 : 17;
        if (bytes.length < (version == 1 ? FIXED_BYTES_V1 : FIXED_BYTES)) {
            throw new StorageCorruptionException(file, 0, "hard-state file of " + bytes.length + " bytes is too short");
        }
        int voteLength = in.getShort(voteLengthAt) & 0xffff;
        int voteAt = voteLengthAt + 2;
        int crcAt = voteAt + voteLength;
        if (bytes.length != crcAt + 4) throw new StorageCorruptionException(file, voteLengthAt, "vote length " + voteLength + " does not match the file size " + bytes.length);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcAt);
        if (in.getInt(crcAt) != (int) crc.getValue()) throw new StorageCorruptionException(file, crcAt, "hard-state checksum mismatch");
        long term = in.getLong(8);
        boolean repairing = version != 1 && (bytes[flagsAt] & REPAIRING) != 0;
        Optional<NodeId> vote = voteLength == 0 ? Optional.empty()
                : Optional.of(NodeId.of(new String(bytes, voteAt, voteLength, StandardCharsets.US_ASCII)));
        return new HardState(term, vote, repairing);
    }

    @Override
    public void save(HardState state) throws IOException {
        byte[] vote = state.votedFor().map(id -> id.value().getBytes(StandardCharsets.US_ASCII)).orElse(new byte[0]);
        ByteBuffer out = ByteBuffer.allocate(FIXED_BYTES + vote.length);
        out.putInt(MAGIC).putInt(VERSION).putLong(state.term()).put((byte) (state.repairing() ? REPAIRING : 0))
                .putShort((short) vote.length).put(vote);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        FileOps.atomicWrite(file, out.flip(), syncPolicy);
    }
}
