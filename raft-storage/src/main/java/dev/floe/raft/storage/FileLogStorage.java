package dev.floe.raft.storage;

import dev.floe.raft.Entry;
import dev.floe.raft.LogStorage;
import dev.floe.raft.storage.internal.AppendWriter;
import dev.floe.raft.storage.internal.DirectoryLock;
import dev.floe.raft.storage.internal.EntryCache;
import dev.floe.raft.storage.internal.FileOps;
import dev.floe.raft.storage.internal.GroupJournal;
import dev.floe.raft.storage.internal.JournalFormat;
import dev.floe.raft.storage.internal.IndexTable;
import dev.floe.raft.storage.internal.RecordFormat;
import dev.floe.raft.storage.internal.Segment;
import dev.floe.raft.storage.internal.SegmentFormat;
import dev.floe.raft.storage.internal.SegmentScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link LogStorage}: a log of segment files in one directory, with group commit.
 * See {@code docs/storage.md} for the byte layout and the recovery rules.
 *
 * <ul>
 *   <li>{@link #append} assigns each record its segment and offset, puts the entries in the cache
 *       (so they are readable at once) and queues them for the writer thread, which writes and
 *       forces everything queued together and completes the futures in order.</li>
 *   <li>Reads come from the cache of recent entries ({@link #cachedEntries} only from there), else
 *       from the segment files with one read per run of records; payloads are views of that read's
 *       array. Reads may come from any thread, and the files are read outside the lock that
 *       {@link #term}, {@link #lastIndex} and {@link #cachedEntries} take, so a slow read never
 *       holds up the consensus thread.</li>
 *   <li>Rolling to a new segment, suffix truncation and {@link #reset} wait for the writer to go
 *       idle, then change files in an order that leaves a log {@link #open} accepts at every step.
 *       {@link #compact} deletes whole closed segments, oldest first.</li>
 *   <li>Appended terms must not decrease (a Raft invariant); recovery relies on it.</li>
 * </ul>
 *
 * <p>Under a {@link FileGroupStorage} the appends are written by the host's shared writer through
 * its journal instead: each mutation (append, truncation, compaction, reset) is a journal record,
 * forced, before it touches the segments, which are then written without a force and forced by the
 * journal's checkpoints (docs/multi-raft.md, storage).
 *
 * <p>The directory is locked while open; {@link #close()} releases it.
 */
public final class FileLogStorage implements LogStorage {
    private static final Logger LOG = LoggerFactory.getLogger(FileLogStorage.class);
    /** Name of the lock file inside the log directory. */
    public static final String LOCK_FILE = "lock";

    private final Path dir;
    private final StorageOptions options;
    private final DirectoryLock lock;
    private final RecoveryReport recovery;
    private final AppendWriter writer;
    /** The host journal's view of this log, or null for a log of its own (which forces its segments itself). */
    private final GroupJournal journal;

    // Guards everything below. Held briefly: by readers while they plan a read (the disk is read
    // outside it), by appends while they plan, by the writer thread to publish progress, and by
    // truncations and resets while they change files.
    private final Object mutex = new Object();
    /**
     * Held for a whole compaction, and by a reset (which must not run at the same time, see
     * LogStorage#compact). Lock order: compacting, then files, then mutex.
     */
    private final Object compacting = new Object();
    /**
     * Read-held while a read uses segment channels outside the mutex; write-held by whoever closes,
     * deletes or cuts a segment (compaction, truncation, reset), so no read ever sees that happen.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock files = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final ArrayList<Segment> segments;
    private final IndexTable index;
    private final EntryCache cache = new EntryCache();
    private long prevTerm;
    private long writtenIndex;
    private boolean closed;

    private FileLogStorage(Path dir, StorageOptions options, DirectoryLock lock, ArrayList<Segment> segments,
                           IndexTable index, long prevTerm, RecoveryReport recovery, GroupJournal journal) {
        this.dir = dir;
        this.journal = journal;
        this.options = options;
        this.lock = lock;
        this.segments = segments;
        this.index = index;
        this.prevTerm = prevTerm;
        this.recovery = recovery;
        this.writtenIndex = index.lastIndex();
        cache.clear(index.lastIndex() + 1);
        this.writer = journal == null
                ? new AppendWriter("floe-log-writer-" + dir.getFileName(), options.syncPolicy(), options.maxWriteBytes(), this::written)
                : journal.newWriter(this::written);
    }

    /**
     * Opens the log in {@code dir}, creating the directory and a new log if there is none, and
     * recovering from a crash as {@code docs/storage.md} describes.
     *
     * @throws StorageCorruptionException when the files are damaged in a way a crash cannot explain
     * @throws ForeignDirectoryException when the directory holds files that are not a Floe log
     * @throws StorageLockedException when the directory is already open
     * @param dir     the log directory
     * @param options the storage settings
     * @return the open log
     * @throws IOException if the files cannot be read or written
     */
    public static FileLogStorage open(Path dir, StorageOptions options) throws IOException {
        return open(dir, options, null, Long.MAX_VALUE);
    }

    /**
     * {@link #open(Path, StorageOptions)} with appends journaled and written by the host's shared
     * writer ({@code journal}; null: a thread of its own), trusting the files only below index
     * {@code trustBelow} (the rest is cut: a journal replay rewrites it; Long.MAX_VALUE: all of them).
     */
    static FileLogStorage open(Path dir, StorageOptions options, GroupJournal journal, long trustBelow) throws IOException {
        Files.createDirectories(dir);
        DirectoryLock lock = DirectoryLock.acquire(dir.resolve(LOCK_FILE));
        try {
            return LogRecovery.recover(dir, options, lock, journal, trustBelow);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Called by {@link LogRecovery} once the files are verified. */
    static FileLogStorage opened(Path dir, StorageOptions options, DirectoryLock lock, ArrayList<Segment> segments,
                                 IndexTable index, long prevTerm, RecoveryReport recovery, GroupJournal journal) {
        return new FileLogStorage(dir, options, lock, segments, index, prevTerm, recovery, journal);
    }

    /** {@return what {@link #open} found and repaired} */
    public RecoveryReport recoveryReport() {
        return recovery;
    }

    /**
     * Write and sync counters, for monitoring and benchmarks.
     *
     * @return the counters so far
     */
    public LogStats stats() {
        return new LogStats(writer.writes(), writer.syncs(), writer.bytesWritten(), writer.entriesWritten(), writer.syncNanos());
    }

    /** {@return the log directory} */
    public Path directory() {
        return dir;
    }

    @Override
    public long firstIndex() {
        synchronized (mutex) {
            return index.firstIndex();
        }
    }

    @Override
    public long lastIndex() {
        synchronized (mutex) {
            return index.lastIndex();
        }
    }

    @Override
    public long term(long i) {
        synchronized (mutex) {
            if (i == index.firstIndex() - 1) return prevTerm;
            if (i < index.firstIndex() || i > index.lastIndex()) {
                throw new IndexOutOfBoundsException("term(" + i + ") outside [" + (index.firstIndex() - 1) + ", " + index.lastIndex() + "]");
            }
            return index.term(i);
        }
    }

    @Override
    public List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
        ArrayList<Run> runs = new ArrayList<>(2);
        ArrayList<Entry> cached = new ArrayList<>();
        files.readLock().lock(); // the planned runs' segments stay open and uncut until they are read
        try {
            synchronized (mutex) {
                checkRange(fromIndex, toIndex);
                ReadBudget budget = new ReadBudget(maxBytes);
                long i = fromIndex;
                // Everything below the cache is already in the files: plan those runs first.
                long filesEnd = Math.min(toIndex, cache.firstIndex());
                while (i < filesEnd && !budget.exhausted) {
                    Run run = planRun(i, filesEnd, budget, runs.isEmpty());
                    if (run == null) break;
                    runs.add(run);
                    i = run.next;
                }
                collectCached(i, toIndex, budget, runs.isEmpty(), cached);
            }
            ArrayList<Entry> out = new ArrayList<>((int) Math.min(toIndex - fromIndex, 256));
            for (Run run : runs) readRun(run, out);
            out.addAll(cached);
            return Collections.unmodifiableList(out);
        } finally {
            files.readLock().unlock();
        }
    }

    /** Entries from the cache only: none unless {@code fromIndex} is cached. Never touches the files. */
    @Override
    public List<Entry> cachedEntries(long fromIndex, long toIndex, long maxBytes) {
        synchronized (mutex) {
            checkRange(fromIndex, toIndex);
            if (fromIndex < cache.firstIndex() || fromIndex == toIndex) return List.of(); // a miss allocates nothing
            ArrayList<Entry> out = new ArrayList<>((int) Math.min(toIndex - fromIndex, 1024));
            collectCached(fromIndex, toIndex, new ReadBudget(maxBytes), true, out);
            return Collections.unmodifiableList(out);
        }
    }

    // Under the mutex.
    private void checkRange(long fromIndex, long toIndex) {
        if (fromIndex < index.firstIndex() || toIndex > index.lastIndex() + 1 || fromIndex > toIndex) {
            throw new IndexOutOfBoundsException("entries [" + fromIndex + ", " + toIndex + ") outside ["
                    + index.firstIndex() + ", " + (index.lastIndex() + 1) + ")");
        }
    }

    // Under the mutex: cached entries [from, to) within the budget; `first` when nothing was taken before.
    private void collectCached(long from, long to, ReadBudget budget, boolean first, List<Entry> out) {
        for (long i = from; i < to && !budget.exhausted; i++) {
            Entry e = cache.get(i);
            if (e == null || !budget.take(e.sizeBytes(), first && out.isEmpty())) break;
            out.add(e);
        }
    }

    /** The byte limit of one {@link #entries} call: at least one entry, then up to {@code max} bytes. */
    private static final class ReadBudget {
        private final long max;
        private long used;
        private boolean exhausted;

        ReadBudget(long max) {
            this.max = max;
        }

        boolean take(long bytes, boolean first) {
            if (!first && used + bytes > max) {
                exhausted = true;
                return false;
            }
            used += bytes;
            return true;
        }
    }

    /** Records [from, next) of one segment, at [startOffset, endOffset) of its file: one read. */
    private record Run(FileChannel channel, Path path, long from, long next, long startOffset, long endOffset) {
    }

    // Under the mutex: plans the records [from, min(to, end of from's segment)) that fit the byte
    // budget as one read; null when not even the first fits. `first` when nothing was taken before.
    private Run planRun(long from, long to, ReadBudget budget, boolean first) {
        Segment segment = segmentFor(from);
        long end = Math.min(to, segment.lastIndex + 1);
        long startOffset = index.offset(from);
        long endOffset = startOffset;
        long next = from;
        while (next < end) {
            long recordEnd = next + 1 <= segment.lastIndex ? index.offset(next + 1) : segment.endOffset;
            long size = RecordFormat.entrySizeBytes(recordEnd - endOffset);
            if (!budget.take(size, first && next == from)) break;
            endOffset = recordEnd;
            next++;
        }
        if (next == from) return null;
        return new Run(segment.channel, segment.path, from, next, startOffset, endOffset);
    }

    // Outside the mutex, holding the files read lock: reads one planned run, decoding the records as
    // views of that read's array.
    private void readRun(Run run, List<Entry> out) {
        long from = run.from();
        long next = run.next();
        long startOffset = run.startOffset();
        long length = run.endOffset() - startOffset;
        if (length > Integer.MAX_VALUE - 16) throw new IllegalStateException("read of " + length + " bytes is too large");
        byte[] array = new byte[(int) length];
        try {
            if (!FileOps.readFully(run.channel(), ByteBuffer.wrap(array), startOffset)) {
                throw new StorageCorruptionException(run.path(), startOffset, "segment ends before the records the index expects");
            }
            CRC32C crc = new CRC32C();
            int at = 0;
            for (long i = from; i < next; i++) {
                int recordLength = ByteBuffer.wrap(array).getInt(at);
                if (recordLength < RecordFormat.MIN_LENGTH || at + 8L + recordLength > array.length
                        || ByteBuffer.wrap(array).getInt(at + 4) != RecordFormat.checksum(array, at, recordLength, crc)) {
                    throw new StorageCorruptionException(run.path(), startOffset + at, "record of index " + i + " fails its checksum on read");
                }
                Entry entry = RecordFormat.decode(array, at);
                if (entry.index() != i) {
                    throw new StorageCorruptionException(run.path(), startOffset + at, "record holds index " + entry.index() + ", expected " + i);
                }
                out.add(entry);
                at += 8 + recordLength;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Binary search for the segment holding index i (the last one whose base is <= i).
    private Segment segmentFor(long i) {
        return segments.get(segmentPosition(i));
    }

    private int segmentPosition(long i) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segments.get(mid).baseIndex <= i) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    // term() without the lock or the range check, for callers holding the mutex.
    private long termHeld(long i) {
        return i == index.firstIndex() - 1 ? prevTerm : index.term(i);
    }

    private Segment openSegment() {
        return segments.get(segments.size() - 1);
    }

    @Override
    public CompletableFuture<Void> append(List<Entry> entries) {
        if (entries.isEmpty()) return CompletableFuture.completedFuture(null);
        List<Entry> batch = List.copyOf(entries);
        long start = batch.get(0).index();
        long recordBytes = validate(batch, start);
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (writer.failed()) {
            future.completeExceptionally(new IOException("the log failed earlier and refuses appends"));
            return future;
        }
        Segment segment;
        long position;
        AppendWriter.Step roll = null;
        try {
            if (start <= lastIndex()) truncateFrom(start);
            synchronized (mutex) {
                if (needsRoll(recordBytes)) roll = roll();
                segment = openSegment();
                position = segment.endOffset;
                long at = position;
                for (Entry e : batch) {
                    index.add(e.term(), at);
                    cache.add(e);
                    at += RecordFormat.size(e);
                }
                segment.endOffset = at;
                segment.lastIndex = batch.get(batch.size() - 1).index();
            }
        } catch (IOException e) {
            writer.fail(e);
            future.completeExceptionally(e);
            return future;
        }
        writer.submit(new AppendWriter.Request(segment, position, batch, future, roll));
        return future;
    }

    // Checks the batch against the log; returns its encoded size.
    private long validate(List<Entry> batch, long start) {
        synchronized (mutex) {
            if (closed) throw new IllegalStateException("the log is closed");
            if (start < index.firstIndex() || start > index.lastIndex() + 1) {
                throw new IllegalArgumentException("append at " + start + " outside [" + index.firstIndex() + ", " + (index.lastIndex() + 1) + "]");
            }
            long previousTerm = termHeld(start - 1);
            long expected = start;
            long bytes = 0;
            for (Entry e : batch) {
                if (e.index() != expected++) throw new IllegalArgumentException("entries are not consecutive at " + e);
                if (e.term() < previousTerm) throw new IllegalArgumentException("term decreases at " + e + " (after term " + previousTerm + ")");
                previousTerm = e.term();
                bytes += RecordFormat.size(e);
            }
            return bytes;
        }
    }

    // Under the mutex.
    private boolean needsRoll(long recordBytes) {
        Segment open = openSegment();
        return open.hasRecords() && open.endOffset + recordBytes > options.segmentBytes();
    }

    /** Called on the writer thread once records up to {@code last} are in the file. */
    private void written(long last) {
        synchronized (mutex) {
            writtenIndex = Math.max(writtenIndex, last);
            cache.evict(writtenIndex, options.cacheEntries(), options.cacheBytes());
        }
    }

    /*
     * Suffix truncation. Every intermediate state reopens as a prefix of the old log that still holds
     * everything before `from` (entries at and after `from` were never committed, since a leader is
     * overwriting them, so losing them is safe):
     *   1. delete later segments, newest first, syncing the directory after each (no gaps);
     *   2. rename the segment holding `from` back to .open if it was closed, so its name never
     *      claims records the file no longer has;
     *   3. cut the file at `from`'s record and force the cut before any new record is written, so
     *      stale old records can never reappear after new ones.
     */
    private void truncateFrom(long from) throws IOException {
        writer.awaitIdle();
        if (journal != null) journal.record(JournalFormat.TRUNCATE, from, 0);
        files.writeLock().lock(); // no read is using the files we cut
        try {
            truncateFilesFrom(from);
        } finally {
            files.writeLock().unlock();
        }
    }

    // The in-memory log changes first, under the mutex, so term lookups and cached reads (the
    // consensus thread's) see the truncated log at once and never wait for the files; the files
    // change after, outside it, in the order above: no read uses them (the caller holds the files
    // lock), no write is under way (the writer is idle, and appends come after this returns), and a
    // compaction never removes the last segment, which the one holding `from` now is.
    private void truncateFilesFrom(long from) throws IOException {
        List<Segment> later = new ArrayList<>();
        Segment segment;
        Path closedPath = null;
        long cut;
        synchronized (mutex) {
            int position = segmentPosition(from);
            for (int j = segments.size() - 1; j > position; j--) later.add(segments.remove(j)); // newest first
            segment = segments.get(position);
            cut = from == segment.baseIndex ? SegmentFormat.HEADER_BYTES : index.offset(from);
            if (!segment.open) {
                closedPath = segment.path;
                segment.open = true; // renamed back to .open below
            }
            segment.endOffset = cut;
            segment.lastIndex = from - 1;
            index.truncateFrom(from);
            cache.truncateFrom(from);
            writtenIndex = Math.min(writtenIndex, from - 1);
        }
        for (Segment gone : later) {
            gone.close();
            Files.delete(gone.path);
            FileOps.syncDirectory(dir, options.syncPolicy());
        }
        if (closedPath != null) {
            Path reopened = dir.resolve(SegmentFormat.openName(segment.baseIndex));
            Files.move(closedPath, reopened, StandardCopyOption.ATOMIC_MOVE);
            FileOps.syncDirectory(dir, options.syncPolicy());
            synchronized (mutex) {
                segment.path = reopened;
            }
        }
        segment.channel.truncate(cut);
        FileOps.force(segment.channel, options.syncPolicy());
        LOG.debug("{}: truncated from index {}", dir, from);
    }

    /*
     * Rolling. 1. force the open segment; 2. rename it to its closed name and sync the directory
     * (so two .open files can never coexist); 3. force the next segment, created under a temp name,
     * rename it to .open, sync the directory. A crash after 2 leaves only closed segments (and
     * perhaps the temp file, which open() removes), and open() starts a fresh open segment after them.
     *
     * append() only plans the roll, under the mutex: it creates the next segment's temp file with its
     * header (no sync) and makes it the segment new records go to. The syncs and renames run on the
     * writer thread, in line with the writes: after every record of the old segment is written and
     * forced, before the first record of the new one. So append never waits for the disk, and the
     * consensus thread, which appends, never stalls on a roll. Until then the old segment still counts
     * as open (compaction leaves it alone) and the new one's records are read from the cache.
     */
    private AppendWriter.Step roll() throws IOException {
        Segment current = openSegment();
        long base = current.lastIndex + 1;
        Segment next = startSegment(dir, base, termHeld(current.lastIndex));
        segments.add(next);
        return () -> finishRoll(current, next);
    }

    /** Writer thread: the durable half of a roll planned by {@link #roll()}. */
    private void finishRoll(Segment current, Segment next) throws IOException {
        Path closedPath;
        Path currentPath;
        synchronized (mutex) {
            // No record is planned into current any more: next took over when the roll was planned.
            closedPath = dir.resolve(SegmentFormat.closedName(current.baseIndex, current.lastIndex));
            currentPath = current.path;
        }
        FileOps.force(current.channel, options.syncPolicy());
        Files.move(currentPath, closedPath, StandardCopyOption.ATOMIC_MOVE);
        FileOps.syncDirectory(dir, options.syncPolicy());
        synchronized (mutex) {
            current.path = closedPath;
            current.open = false;
        }
        Path openPath = dir.resolve(SegmentFormat.openName(next.baseIndex));
        FileOps.force(next.channel, options.syncPolicy());
        Files.move(next.path, openPath, StandardCopyOption.ATOMIC_MOVE);
        FileOps.syncDirectory(dir, options.syncPolicy());
        synchronized (mutex) {
            next.path = openPath;
        }
    }

    /** The next segment's temp file with its header, not yet forced nor renamed: a roll finishes it. */
    private static Segment startSegment(Path dir, long baseIndex, long prevTerm) throws IOException {
        Path temp = dir.resolve(SegmentFormat.tempName(baseIndex));
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileOps.writeFully(channel, SegmentFormat.encodeHeader(baseIndex, prevTerm), 0);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new Segment(baseIndex, prevTerm, temp, channel, true, baseIndex - 1, SegmentFormat.HEADER_BYTES);
    }

    /** Creates an empty open segment: header written to a temp file, forced, then renamed into place. */
    static Segment createSegment(Path dir, long baseIndex, long prevTerm, StorageOptions options) throws IOException {
        Path temp = dir.resolve(SegmentFormat.tempName(baseIndex));
        Path target = dir.resolve(SegmentFormat.openName(baseIndex));
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileOps.writeFully(channel, SegmentFormat.encodeHeader(baseIndex, prevTerm), 0);
            FileOps.force(channel, options.syncPolicy());
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            FileOps.syncDirectory(dir, options.syncPolicy());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new Segment(baseIndex, prevTerm, target, channel, true, baseIndex - 1, SegmentFormat.HEADER_BYTES);
    }

    /*
     * Compaction: logical at once, physical by whole closed segments, oldest first with a directory
     * sync after each, so a crash leaves a contiguous suffix whose first header still knows its
     * prevTerm. Not durable (allowed by the contract): a restart may bring back compacted entries.
     * The files are deleted outside the mutex: reads, appends and term lookups (the consensus
     * thread's) go on while a slow disk deletes and syncs. The segments are out of the list first,
     * and closed only once no read that planned on them holds the files lock.
     */
    @Override
    public void compact(long upTo) throws IOException {
        // One compaction at a time, so segments leave the list and the disk in the same order.
        synchronized (compacting) {
            List<Segment> gone = new ArrayList<>();
            synchronized (mutex) {
                if (closed) throw new IllegalStateException("the log is closed");
                if (upTo < index.firstIndex()) return;
                if (upTo > index.lastIndex()) throw new IllegalArgumentException("compact(" + upTo + ") beyond last index " + index.lastIndex());
            }
            // Journaled before any file is deleted: a replay must not append entries compaction deleted.
            if (journal != null) journal.record(JournalFormat.COMPACT, upTo, 0);
            synchronized (mutex) {
                if (closed) throw new IllegalStateException("the log is closed");
                if (upTo < index.firstIndex()) return;
                if (upTo > index.lastIndex()) throw new IllegalArgumentException("compact(" + upTo + ") beyond last index " + index.lastIndex());
                prevTerm = index.term(upTo);
                index.dropBefore(upTo + 1);
                cache.dropBefore(upTo + 1);
                // A segment whose roll the writer has not finished yet still counts as open: left for later.
                while (segments.size() > 1 && !segments.get(0).open && segments.get(0).lastIndex <= upTo) {
                    gone.add(segments.remove(0));
                }
            }
            // Reads that planned on these segments before they left the list finish first; later
            // reads cannot see them. Then they are closed, and deleted without any lock but ours.
            files.writeLock().lock();
            try {
                for (Segment segment : gone) segment.close();
            } finally {
                files.writeLock().unlock();
            }
            for (Segment segment : gone) {
                Files.delete(segment.path);
                FileOps.syncDirectory(dir, options.syncPolicy());
            }
        }
    }

    /*
     * Reset: delete every segment newest first (each step leaves a prefix of the old log, which the
     * core already decided to discard), then create the new open segment whose header records the
     * snapshot's index and term. A crash halfway reopens with a prefix of the old log or an empty
     * log; the snapshot, saved before reset is called, covers the difference.
     */
    @Override
    public void reset(long snapshotIndex, long snapshotTerm) throws IOException {
        if (snapshotIndex < 0 || snapshotTerm < 0) throw new IllegalArgumentException("negative snapshot index or term");
        synchronized (mutex) {
            if (closed) throw new IllegalStateException("the log is closed");
        }
        writer.awaitIdle();
        // Journaled and forced first: a replay must not append the old log's entries after the new start.
        if (journal != null) journal.record(JournalFormat.RESET, snapshotIndex, snapshotTerm);
        // Not while a compaction deletes files (it might delete a namesake of a file this creates),
        // nor while a read uses a segment this deletes.
        synchronized (compacting) {
            files.writeLock().lock();
            try {
                resetFiles(snapshotIndex, snapshotTerm);
            } finally {
                files.writeLock().unlock();
            }
        }
    }

    // As in a truncation: the in-memory log first, under the mutex; the files after, outside it, with
    // no read, write or compaction using them (the caller holds the compaction and files locks, the
    // writer is idle). Until the new segment is in the list there is none; nothing looks meanwhile.
    private void resetFiles(long snapshotIndex, long snapshotTerm) throws IOException {
        List<Segment> gone = new ArrayList<>();
        synchronized (mutex) {
            for (int j = segments.size() - 1; j >= 0; j--) gone.add(segments.remove(j)); // newest first
            index.reset(snapshotIndex + 1);
            cache.clear(snapshotIndex + 1);
            prevTerm = snapshotTerm;
            writtenIndex = snapshotIndex;
        }
        try {
            for (Segment segment : gone) {
                segment.close();
                Files.delete(segment.path);
                FileOps.syncDirectory(dir, options.syncPolicy());
            }
            Segment fresh = createSegment(dir, snapshotIndex + 1, snapshotTerm, options);
            synchronized (mutex) {
                segments.add(fresh);
            }
        } catch (IOException e) {
            writer.fail(e);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (mutex) {
            if (closed) return;
            closed = true;
        }
        try {
            writer.shutdown();
            // Journaled logs leave their segments to checkpoints: a closing one forces its own, so
            // a checkpoint may skip a closed segment. Rolls and truncations forced all but the last.
            if (journal != null) {
                synchronized (mutex) {
                    FileOps.force(openSegment().channel, options.syncPolicy());
                }
            }
        } finally {
            synchronized (mutex) {
                IOException first = null;
                for (Segment s : segments) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        if (first == null) first = e;
                    }
                }
                lock.close();
                if (first != null) throw first;
            }
        }
    }

    @Override
    public String toString() {
        synchronized (mutex) {
            return "FileLogStorage{" + dir + " [" + index.firstIndex() + ", " + index.lastIndex() + "] " + segments.size() + " segments}";
        }
    }
}
