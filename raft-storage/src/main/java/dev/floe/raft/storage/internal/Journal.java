package dev.floe.raft.storage.internal;

import dev.floe.raft.storage.SyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's write-ahead journal: every mutation of every group's log is a record here, forced,
 * before it touches the group's own files, which are then written to the page cache only and
 * forced later, all at once, by a {@link #checkpoint checkpoint}. A database's redo log in front of
 * its data files: one force per round for every group of the host instead of one per group.
 *
 * <p>Rules the recovery argument relies on (docs/multi-raft.md, storage):
 * <ul>
 *   <li>Ordering: a group file is written only after the records describing the write are forced
 *       ({@link #write}); so a crash never leaves a group file ahead of the journal.</li>
 *   <li>Checkpoint: a new journal file takes the new rounds; every segment written while the old
 *       file was current is forced; only then are the older files deleted. A round holds
 *       {@link #lockRound()} from its journal write to its last group-file write, so no round's
 *       group writes straddle a switch. Hence once journal files older than {@code n} are
 *       deleted, everything they described is durable in the group files, and the group files
 *       can differ from the forced state only by writes that file {@code n} or later describes.</li>
 *   <li>Torn tail: writes are issued at most {@code maxWriteBytes} at a time (a larger record
 *       alone), each forced before the next, and one at a time; so only the last file's last
 *       write can tear, which bounds what recovery accepts as a torn tail.</li>
 * </ul>
 * A failed write or force fails the journal for good: the host must stop (fsync errors are not
 * retried, since a retried fsync may report success for pages the kernel already dropped).
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final Path dir;
    private final SyncPolicy syncPolicy;
    private final int maxWriteBytes;
    private final long checkpointBytes;
    private final long checkpointNanos;
    /** Serializes writes and forces of the current file, and the switch to a new one. */
    private final ReentrantLock writing = new ReentrantLock();
    /** Read-held by a round from its journal write to its last group write; write-held by a switch. */
    private final ReentrantReadWriteLock rounds = new ReentrantReadWriteLock();
    private final ReentrantLock checkpointing = new ReentrantLock();
    private volatile Set<Segment> dirty = ConcurrentHashMap.newKeySet();
    private FileChannel channel;
    private long seq;
    private long position;
    /** Bytes of the current file that were zero-filled and forced before it took records. */
    private long preallocated;
    private long switchedNanos;
    private volatile IOException failure;
    private final LongAdder bytes = new LongAdder();
    private final LongAdder forces = new LongAdder();
    private final LongAdder forceNanos = new LongAdder();
    private final LongAdder checkpoints = new LongAdder();
    private final LongAdder checkpointForces = new LongAdder();

    private Journal(Path dir, SyncPolicy syncPolicy, int maxWriteBytes, long checkpointBytes, long checkpointNanos) {
        this.dir = dir;
        this.syncPolicy = syncPolicy;
        this.maxWriteBytes = maxWriteBytes;
        this.checkpointBytes = checkpointBytes;
        this.checkpointNanos = checkpointNanos;
    }

    /**
     * Starts a journal in {@code dir} with a new, empty file {@code seq}; the directory must hold no
     * journal file with a sequence number at or above {@code seq}.
     *
     * @param checkpointBytes a checkpoint is due once the current file holds this many bytes
     * @param checkpointNanos or once this long has passed since the last one (and something was written)
     */
    public static Journal start(Path dir, long seq, SyncPolicy syncPolicy, int maxWriteBytes, long checkpointBytes,
                                long checkpointNanos) throws IOException {
        Journal journal = new Journal(dir, syncPolicy, maxWriteBytes, checkpointBytes, checkpointNanos);
        journal.openFile(seq);
        return journal;
    }

    private void openFile(long newSeq) throws IOException {
        // The first file is sized for a busy start; later ones follow what the previous one took.
        long size = Math.max(PREALLOCATE_MIN, Math.min(PREALLOCATE_FIRST, checkpointBytes));
        install(prepare(newSeq, size), newSeq, size);
    }

    /*
     * A journal file is zero-filled to its expected size and forced before it takes any record
     * (PostgreSQL does the same with its WAL segments): a record then overwrites blocks that are
     * allocated and written, so its fdatasync changes no file metadata and needs no file-system
     * journal commit. On ext4 that made a force of an 8 KiB write 1.3-4 times faster and cost 40-60 %
     * less CPU than a force of an appending write (probe on this machine, docs/multi-raft.md). It is
     * prepared under a temp name, off the append path, and renamed into place at the switch, so a
     * file appears only once complete and recovery deletes a leftover temp file. The zeros after the
     * last record are the end of the journal (JournalReader).
     */
    private Path prepare(long newSeq, long size) throws IOException {
        Path temp = dir.resolve(JournalFormat.fileName(newSeq) + JournalFormat.TEMP_SUFFIX);
        try (FileChannel created = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            FileOps.writeFully(created, JournalFormat.encodeHeader(newSeq), 0);
            ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(size, 1 << 20));
            for (long at = JournalFormat.HEADER_BYTES; at < size; at += zeros.capacity()) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                FileOps.writeFully(created, zeros, at);
            }
            FileOps.force(created, syncPolicy);
        }
        return temp;
    }

    private void install(Path temp, long newSeq, long size) throws IOException {
        Path path = dir.resolve(JournalFormat.fileName(newSeq));
        Files.move(temp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        FileOps.syncDirectory(dir, syncPolicy);
        channel = FileChannel.open(path, StandardOpenOption.WRITE);
        seq = newSeq;
        position = JournalFormat.HEADER_BYTES;
        preallocated = size;
        switchedNanos = System.nanoTime();
    }

    /** The size of the next file: twice what the current one took, within bounds (one interval's writes, with room). */
    private long nextSize() {
        long wanted = 2 * (position - JournalFormat.HEADER_BYTES);
        long bounded = Math.max(PREALLOCATE_MIN, Math.min(wanted, checkpointBytes + checkpointBytes / 4));
        return (bounded + PREALLOCATE_MIN - 1) / PREALLOCATE_MIN * PREALLOCATE_MIN;
    }

    private static final long PREALLOCATE_MIN = 1 << 20;
    private static final long PREALLOCATE_FIRST = 16 << 20;

    /** A round's journal write and group writes happen inside this, so a checkpoint never splits them. */
    public void lockRound() {
        rounds.readLock().lock();
    }

    public void unlockRound() {
        rounds.readLock().unlock();
    }

    /** Records that {@code segment} was written (page cache only) and must be forced by the next checkpoint. */
    public void dirtied(Segment segment) {
        dirty.add(segment);
    }

    /**
     * Appends the records {@code [0, buffer.position())} of {@code buffer}, which end at
     * {@code recordEnds[0..records)}, to the current file, and forces them: written at most
     * {@code maxWriteBytes} at a time, cut at record boundaries, each part forced before the next.
     *
     * @throws IOException if the journal failed now or earlier (it then refuses every later write)
     */
    public void write(ByteBuffer buffer, int[] recordEnds, int records) throws IOException {
        writing.lock();
        try {
            if (failure != null) throw new IOException("the journal failed earlier and refuses writes", failure);
            try {
                int start = 0;
                int r = 0;
                while (r < records) {
                    int end = recordEnds[r++];
                    while (r < records && recordEnds[r] - start <= maxWriteBytes) end = recordEnds[r++];
                    writePart(buffer, start, end);
                    start = end;
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
                throw e instanceof IOException io ? io : new IOException("journal write failed", e);
            }
        } finally {
            writing.unlock();
        }
    }

    /** Appends one record (a structural change of a group's log) and forces it. */
    public void write(ByteBuffer record) throws IOException {
        write(record, new int[] {record.limit()}, 1);
    }

    // Under `writing`.
    private void writePart(ByteBuffer buffer, int start, int end) throws IOException {
        FileOps.writeFully(channel, buffer.slice(start, end - start), position);
        position += end - start;
        bytes.add(end - start);
        if (syncPolicy == SyncPolicy.FSYNC) {
            long began = System.nanoTime();
            channel.force(false);
            forceNanos.add(System.nanoTime() - began);
            forces.increment();
        }
    }

    private void fail(Exception e) {
        IOException cause = e instanceof IOException io ? io : new IOException(e);
        if (failure == null) failure = cause;
        LOG.error("{}: the host journal failed; every group's log refuses appends from now on, stop the process", dir, e);
    }

    /** Whether the journal failed (a write, force or checkpoint failed). */
    public boolean failed() {
        return failure != null;
    }

    /** Whether the current file passed the checkpoint size, or the checkpoint interval passed with something written. */
    public boolean checkpointDue() {
        writing.lock();
        try {
            long written = position - JournalFormat.HEADER_BYTES;
            // Also once three quarters of the preallocated file are used, so the next one is ready before this one overflows.
            return failure == null && (written >= checkpointBytes || position >= preallocated - preallocated / 4
                    || (written > 0 && System.nanoTime() - switchedNanos >= checkpointNanos));
        } finally {
            writing.unlock();
        }
    }

    /**
     * A checkpoint: switches to a new file (waiting for the rounds in progress), forces every
     * segment written since the previous checkpoint, {@code forcers} issuing the forces at once,
     * then deletes every older journal file. A segment closed meanwhile needs no force: its log
     * forces a dirty segment before closing it (or deleted it, or a roll or truncation forced it).
     *
     * @throws IOException if a force or a file operation failed (the journal then fails for good)
     */
    public void checkpoint(Executor forcers) throws IOException {
        checkpoint(forcers, false);
    }

    /** The last checkpoint before a close: the file it starts will take no record, so it is kept small. */
    public void finalCheckpoint(Executor forcers) throws IOException {
        checkpoint(forcers, true);
    }

    private void checkpoint(Executor forcers, boolean last) throws IOException {
        // One at a time: a later checkpoint deletes files whose segments an earlier one may still be forcing.
        checkpointing.lock();
        try {
            runCheckpoint(forcers, last);
        } finally {
            checkpointing.unlock();
        }
    }

    private void runCheckpoint(Executor forcers, boolean last) throws IOException {
        Set<Segment> toForce;
        long current;
        long next;
        long size;
        writing.lock();
        try {
            next = seq + 1; // only checkpoints change it, one at a time
            size = last ? PREALLOCATE_MIN : nextSize();
        } finally {
            writing.unlock();
        }
        Path prepared;
        try {
            prepared = prepare(next, size); // the slow part, while rounds go on
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
        rounds.writeLock().lock();
        try {
            writing.lock();
            try {
                if (failure != null) throw new IOException("the journal failed earlier", failure);
                FileChannel old = channel;
                try {
                    install(prepared, next, size);
                    old.close();
                } catch (IOException | RuntimeException e) {
                    fail(e);
                    throw e;
                }
                current = seq;
                toForce = dirty;
                dirty = ConcurrentHashMap.newKeySet();
            } finally {
                writing.unlock();
            }
        } finally {
            rounds.writeLock().unlock();
        }
        try {
            List<CompletableFuture<Void>> pending = new ArrayList<>(toForce.size());
            for (Segment segment : toForce) pending.add(CompletableFuture.runAsync(() -> forceSegment(segment), forcers));
            for (CompletableFuture<Void> f : pending) f.join();
            deleteBefore(current);
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e instanceof IOException io ? io : new IOException("checkpoint failed", e.getCause() != null ? e.getCause() : e);
        }
        checkpoints.increment();
        LOG.debug("{}: checkpoint: {} segments forced, journal files before {} deleted", dir, toForce.size(), current);
    }

    private void forceSegment(Segment segment) {
        if (syncPolicy != SyncPolicy.FSYNC) return;
        try {
            long began = System.nanoTime();
            segment.channel.force(false);
            forceNanos.add(System.nanoTime() - began);
            checkpointForces.increment();
        } catch (ClosedChannelException closedMeanwhile) {
            // Closed by its log after a force, or deleted: nothing to force.
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void deleteBefore(long keep) throws IOException {
        boolean deleted = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                var parsed = JournalFormat.parse(file.getFileName().toString());
                if (parsed.isPresent() && parsed.get() < keep) {
                    Files.delete(file);
                    deleted = true;
                }
            }
        }
        if (deleted) FileOps.syncDirectory(dir, syncPolicy);
    }

    /** {@return bytes of records written since the journal started} */
    public long bytesWritten() {
        return bytes.sum();
    }

    /** {@return forces of the journal file} */
    public long forces() {
        return forces.sum();
    }

    /** {@return forces of group segments by checkpoints} */
    public long checkpointForces() {
        return checkpointForces.sum();
    }

    /** {@return time spent in journal and checkpoint forces, in nanoseconds} */
    public long forceNanos() {
        return forceNanos.sum();
    }

    /** {@return checkpoints completed} */
    public long checkpoints() {
        return checkpoints.sum();
    }

    /** Closes the current file (a clean close runs a {@link #checkpoint} first). */
    @Override
    public void close() throws IOException {
        writing.lock();
        try {
            channel.close();
        } finally {
            writing.unlock();
        }
    }
}
