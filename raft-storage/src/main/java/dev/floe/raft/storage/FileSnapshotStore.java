package dev.floe.raft.storage;

import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.storage.internal.FileOps;
import dev.floe.raft.storage.internal.SnapshotFormat;
import dev.floe.raft.storage.internal.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SnapshotStore} of files in one directory ({@code docs/storage.md} has the layout). A
 * snapshot is written to {@code <name>.snap.tmp} and published by {@link Writer#commit()}: trailer
 * written, file forced, renamed into place, directory forced. Only then are snapshots beyond the
 * newest {@code retained} deleted. Leftover temp files (a crash mid-write) are removed on open.
 * Reads stream from the file and verify the checksum as they go.
 */
public final class FileSnapshotStore implements SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileSnapshotStore.class);
    private static final Comparator<SnapshotFormat.Name> NEWEST_FIRST =
            Comparator.comparingLong(SnapshotFormat.Name::lastIndex).thenComparingLong(SnapshotFormat.Name::lastTerm).reversed();

    private final Path dir;
    private final SyncPolicy syncPolicy;
    private final int retained;

    /**
     * Opens the store in {@code dir} (created if missing), removing temp files of interrupted writes.
     *
     * @throws ForeignDirectoryException if the directory holds files that are not snapshots
     * @param dir        the snapshot directory
     * @param syncPolicy whether writes are forced to the disk
     * @param retained   committed snapshots kept, newest first; at least 1
     * @throws IOException if the files cannot be read or written
     */
    public FileSnapshotStore(Path dir, SyncPolicy syncPolicy, int retained) throws IOException {
        if (retained < 1) throw new IllegalArgumentException("retained must be >= 1: " + retained);
        this.dir = dir;
        this.syncPolicy = syncPolicy;
        this.retained = retained;
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (SnapshotFormat.isTemp(name)) {
                    LOG.warn("{}: removing the temp file of an interrupted snapshot; the previous snapshot stands", file);
                    Files.delete(file);
                } else if (SnapshotFormat.parse(name).isEmpty()) {
                    throw new ForeignDirectoryException(dir, file);
                }
            }
        }
    }

    @Override
    public Optional<Snapshot> latest() throws IOException {
        List<SnapshotFormat.Name> names = list();
        if (names.isEmpty()) return Optional.empty();
        SnapshotFormat.Name newest = names.get(0);
        return Optional.of(read(dir.resolve(SnapshotFormat.fileName(newest.lastIndex(), newest.lastTerm()))));
    }

    /** Every committed snapshot's index and term, newest first. */
    private List<SnapshotFormat.Name> list() throws IOException {
        ArrayList<SnapshotFormat.Name> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) SnapshotFormat.parse(file.getFileName().toString()).ifPresent(names::add);
        }
        names.sort(NEWEST_FIRST);
        return names;
    }

    // Reads and verifies a committed file's header and trailer (the data is verified when streamed).
    private static FileSnapshot read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer prefix = ByteBuffer.allocate(SnapshotFormat.PREFIX_BYTES);
            if (size < SnapshotFormat.PREFIX_BYTES + SnapshotFormat.TRAILER_BYTES || !FileOps.readFully(channel, prefix, 0)) {
                throw new StorageCorruptionException(file, 0, "snapshot file of " + size + " bytes is too short");
            }
            int headerLength = SnapshotFormat.headerLength(prefix, file, size);
            ByteBuffer header = ByteBuffer.allocate(headerLength);
            FileOps.readFully(channel, header, 0);
            SnapshotMeta meta = SnapshotFormat.decodeHeader(header.flip(), file);
            ByteBuffer trailer = ByteBuffer.allocate(SnapshotFormat.TRAILER_BYTES);
            long trailerAt = size - SnapshotFormat.TRAILER_BYTES;
            FileOps.readFully(channel, trailer, trailerAt);
            if (trailer.getInt(12) != SnapshotFormat.END_MAGIC) throw new StorageCorruptionException(file, trailerAt + 12, "snapshot trailer missing");
            long dataLength = trailer.getLong(0);
            if (dataLength != trailerAt - headerLength) {
                throw new StorageCorruptionException(file, trailerAt, "trailer says " + dataLength + " data bytes, the file holds " + (trailerAt - headerLength));
            }
            SnapshotFormat.Name name = SnapshotFormat.parse(file.getFileName().toString()).orElseThrow();
            if (name.lastIndex() != meta.lastIndex() || name.lastTerm() != meta.lastTerm()) {
                throw new StorageCorruptionException(file, SnapshotFormat.PREFIX_BYTES, "header says " + meta + ", the file name disagrees");
            }
            return new FileSnapshot(file, meta, headerLength, dataLength, trailer.getInt(8) & 0xffffffffL);
        }
    }

    @Override
    public Writer begin(SnapshotMeta meta) throws IOException {
        Path target = dir.resolve(SnapshotFormat.fileName(meta.lastIndex(), meta.lastTerm()));
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try {
            ByteBuffer header = SnapshotFormat.encodeHeader(meta);
            int headerLength = header.remaining();
            FileOps.writeFully(channel, header, 0);
            return new FileWriter(meta, target, temp, channel, headerLength);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    // Deletes committed snapshots beyond the newest `retained`, never the one just committed.
    private void applyRetention(Path keep) throws IOException {
        List<SnapshotFormat.Name> names = list();
        for (int i = retained; i < names.size(); i++) {
            Path old = dir.resolve(SnapshotFormat.fileName(names.get(i).lastIndex(), names.get(i).lastTerm()));
            if (!old.equals(keep)) Files.deleteIfExists(old);
        }
    }

    /** A committed snapshot file. */
    private record FileSnapshot(Path file, SnapshotMeta meta, long dataOffset, long sizeBytes, long checksum) implements Snapshot {
        @Override
        public InputStream open() throws IOException {
            return new VerifyingInputStream(file, FileChannel.open(file, StandardOpenOption.READ), dataOffset, sizeBytes, (int) checksum);
        }
    }

    /** Buffers the state machine's bytes into the temp file, checksumming them. */
    private final class FileWriter extends Writer {
        private final SnapshotMeta meta;
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final long dataOffset;
        private final CRC32C crc = new CRC32C();
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        private long position;
        private long dataLength;
        private boolean done;

        FileWriter(SnapshotMeta meta, Path target, Path temp, FileChannel channel, int headerLength) {
            this.meta = meta;
            this.target = target;
            this.temp = temp;
            this.channel = channel;
            this.dataOffset = headerLength;
            this.position = headerLength;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (done) throw new IOException("snapshot writer is already committed or aborted");
            crc.update(b, off, len);
            dataLength += len;
            while (len > 0) {
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
                if (!buffer.hasRemaining()) drain();
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            int n = buffer.remaining();
            FileOps.writeFully(channel, buffer, position);
            position += n;
            buffer.clear();
        }

        @Override
        public Snapshot commit() throws IOException {
            if (done) throw new IOException("snapshot writer is already committed or aborted");
            try {
                drain();
                ByteBuffer trailer = ByteBuffer.allocate(SnapshotFormat.TRAILER_BYTES);
                trailer.putLong(dataLength).putInt((int) crc.getValue()).putInt(SnapshotFormat.END_MAGIC).flip();
                FileOps.writeFully(channel, trailer, position);
                FileOps.force(channel, syncPolicy);
                channel.close();
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                FileOps.syncDirectory(dir, syncPolicy);
                done = true;
            } catch (IOException | RuntimeException e) {
                abort();
                throw e;
            }
            applyRetention(target);
            LOG.debug("{}: committed {}", dir, meta);
            return new FileSnapshot(target, meta, dataOffset, dataLength, crc.getValue());
        }

        @Override
        public void abort() {
            if (done) return;
            done = true;
            try {
                channel.close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warn("{}: could not remove an aborted snapshot's temp file", temp, e);
            }
        }
    }
}
