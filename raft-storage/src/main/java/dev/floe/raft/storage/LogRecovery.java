package dev.floe.raft.storage;

import dev.floe.raft.storage.internal.DirectoryLock;
import dev.floe.raft.storage.internal.FileOps;
import dev.floe.raft.storage.internal.IndexTable;
import dev.floe.raft.storage.internal.Segment;
import dev.floe.raft.storage.internal.SegmentFormat;
import dev.floe.raft.storage.internal.SegmentScanner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a log directory: checks that it holds only Floe files, that the segments form one
 * contiguous range with at most one open segment at the end, verifies every record, cuts a torn
 * tail of the open segment, and refuses anything else that is damaged.
 *
 * <p>Before a journal replay ({@code trustBelow} below Long.MAX_VALUE) the files are trusted only
 * below index {@code trustBelow}: the group's writes since the last checkpoint, all at or above it,
 * were not forced and may be torn, partly missing or missing whole, and the journal holds them. So
 * segments starting at or above it are deleted (the first one is kept, cut to its header, for its
 * prevTerm), the segment holding it is cut before it and becomes the open one, without reading
 * anything from there on.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    private record Found(Path path, SegmentFormat.Name name) {
    }

    private LogRecovery() {
    }

    static FileLogStorage recover(Path dir, StorageOptions options, DirectoryLock lock,
                                  dev.floe.raft.storage.internal.GroupJournal journal, long trustBelow) throws IOException {
        List<Found> found = new ArrayList<>();
        int tempsRemoved = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.equals(FileLogStorage.LOCK_FILE)) continue;
                if (SegmentFormat.isTemp(name)) {
                    // A segment whose creation a crash interrupted: it was never renamed into place, so it holds nothing.
                    LOG.warn("{}: removing {}, a segment whose creation was interrupted", dir, name);
                    Files.delete(file);
                    tempsRemoved++;
                    continue;
                }
                Optional<SegmentFormat.Name> parsed = SegmentFormat.parse(name);
                if (parsed.isEmpty() || !Files.isRegularFile(file)) throw new ForeignDirectoryException(dir, file);
                found.add(new Found(file, parsed.get()));
            }
        }
        if (tempsRemoved > 0) FileOps.syncDirectory(dir, options.syncPolicy());
        found.sort(Comparator.comparingLong((Found f) -> f.name().baseIndex()).thenComparing(f -> f.name().open()));
        dropUntrusted(dir, found, trustBelow, options);
        checkLayout(found);

        IndexTable index = new IndexTable();
        ArrayList<Segment> segments = new ArrayList<>();
        long prevTerm = 0;
        long tornBytes = 0;
        boolean newLog = found.isEmpty();
        try {
            long expectedBase = -1;
            long expectedPrevTerm = 0;
            for (Found f : found) {
                FileChannel channel = FileChannel.open(f.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                Segment segment;
                try {
                    SegmentFormat.Header header = SegmentScanner.readHeader(f.path(), channel);
                    if (header.baseIndex() != f.name().baseIndex()) {
                        throw new StorageCorruptionException(f.path(), 8, "header says first index " + header.baseIndex() + " but the name says " + f.name().baseIndex());
                    }
                    if (segments.isEmpty()) {
                        index.reset(header.baseIndex());
                        prevTerm = header.prevTerm();
                    } else if (header.prevTerm() != expectedPrevTerm) {
                        throw new StorageCorruptionException(f.path(), 16, "header says the previous term is " + header.prevTerm()
                                + " but the previous segment ends with term " + expectedPrevTerm);
                    }
                    if (expectedBase >= 0 && header.baseIndex() != expectedBase) {
                        throw new StorageCorruptionException(f.path(), 0, "segment starts at index " + header.baseIndex() + " but " + expectedBase + " was expected");
                    }
                    SegmentScanner.Result scan = SegmentScanner.scan(f.path(), channel, header, f.name().open(), options.maxWriteBytes(), index, trustBelow);
                    Path path = f.path();
                    boolean open = f.name().open();
                    if (scan.lastIndex() >= trustBelow - 1 && (scan.endOffset() < scan.fileSize() || !open)) {
                        // The journal replay rewrites the rest: cut it, and make this the open segment.
                        channel.truncate(scan.endOffset());
                        FileOps.force(channel, options.syncPolicy());
                        if (!open) {
                            Path reopened = dir.resolve(SegmentFormat.openName(header.baseIndex()));
                            Files.move(path, reopened, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                            FileOps.syncDirectory(dir, options.syncPolicy());
                            path = reopened;
                            open = true;
                        }
                        LOG.info("{}: cut the log before index {} ({} bytes): the host journal replays it", dir, trustBelow,
                                scan.fileSize() - scan.endOffset());
                    } else if (!f.name().open() && scan.lastIndex() != f.name().lastIndex()) {
                        throw new StorageCorruptionException(f.path(), scan.endOffset(), "closed segment ends at index " + scan.lastIndex()
                                + " but its name says " + f.name().lastIndex());
                    }
                    if (scan.torn()) {
                        long cut = scan.fileSize() - scan.endOffset();
                        LOG.warn("{}: cutting a torn tail of {} bytes at offset {} ({}); entries from index {} on were cut; they were not acknowledged by this member",
                                f.path(), cut, scan.endOffset(), scan.tornReason(), scan.lastIndex() + 1);
                        channel.truncate(scan.endOffset());
                        FileOps.force(channel, options.syncPolicy());
                        tornBytes += cut;
                    }
                    segment = new Segment(header.baseIndex(), header.prevTerm(), path, channel, open, scan.lastIndex(), scan.endOffset());
                    expectedBase = scan.lastIndex() + 1;
                    expectedPrevTerm = scan.lastTerm();
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
                segments.add(segment);
            }
            if (segments.isEmpty() || !segments.get(segments.size() - 1).open) {
                // New log, or a crash right after a roll renamed the open segment: start the next one.
                long base = segments.isEmpty() ? 1 : expectedBase;
                segments.add(FileLogStorage.createSegment(dir, base, segments.isEmpty() ? 0 : expectedPrevTerm, options));
                if (found.isEmpty()) index.reset(1);
            }
        } catch (IOException | RuntimeException e) {
            for (Segment s : segments) s.close();
            throw e;
        }
        long entries = index.lastIndex() - index.firstIndex() + 1;
        RecoveryReport report = new RecoveryReport(segments.size(), entries, tornBytes, tempsRemoved, newLog);
        if (newLog) {
            LOG.info("{}: started a new log", dir);
        } else {
            LOG.info("{}: opened log [{}, {}] in {} segments", dir, index.firstIndex(), index.lastIndex(), segments.size());
        }
        return FileLogStorage.opened(dir, options, lock, segments, index, prevTerm, report, journal);
    }

    /*
     * Deletes the segments starting at or above trustBelow, newest first, except the first segment
     * (cut to its header by the scan); returns how many were deleted.
     */
    private static long dropUntrusted(Path dir, List<Found> found, long trustBelow, StorageOptions options) throws IOException {
        long deleted = 0;
        for (int i = found.size() - 1; i >= 1; i--) {
            if (found.get(i).name().baseIndex() < trustBelow) break;
            Files.delete(found.remove(i).path());
            deleted++;
        }
        if (deleted > 0) FileOps.syncDirectory(dir, options.syncPolicy());
        return deleted;
    }

    // Names alone: one contiguous range, closed segments first, at most one open segment, last.
    private static void checkLayout(List<Found> found) throws StorageCorruptionException {
        for (int i = 0; i < found.size(); i++) {
            Found f = found.get(i);
            if (f.name().open() && i != found.size() - 1) {
                throw new StorageCorruptionException(f.path(), 0, "an open segment that is not the last one (next: " + found.get(i + 1).path().getFileName() + ")");
            }
            if (!f.name().open() && f.name().lastIndex() < f.name().baseIndex()) {
                throw new StorageCorruptionException(f.path(), 0, "a closed segment whose name holds no index");
            }
            if (i > 0) {
                Found prev = found.get(i - 1);
                long expected = prev.name().lastIndex() + 1;
                if (f.name().baseIndex() != expected) {
                    throw new StorageCorruptionException(f.path(), 0, f.name().baseIndex() > expected
                            ? "segment missing before this one: indexes " + expected + " to " + (f.name().baseIndex() - 1) + " are gone"
                            : "segment overlaps " + prev.path().getFileName());
                }
            }
        }
    }
}
