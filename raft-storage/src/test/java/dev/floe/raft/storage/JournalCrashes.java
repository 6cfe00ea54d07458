package dev.floe.raft.storage;

import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.storage.internal.SegmentFormat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Crash simulation for a {@link FileGroupStorage}: copies of its root taken while it runs, and the
 * damage a crash may do to what was written since the last checkpoint (never forced) in the
 * groups' segment files. The journal and everything a checkpoint forced stay as written.
 */
final class JournalCrashes {
    private JournalCrashes() {
    }

    /** Segment file sizes of a group's log, by first index: what a checkpoint forced. */
    static Map<Long, Long> segmentSizes(Path logDir) throws IOException {
        Map<Long, Long> sizes = new HashMap<>();
        for (Path file : segments(logDir)) sizes.put(base(file), Files.size(file));
        return sizes;
    }

    static List<Path> segments(Path logDir) throws IOException {
        try (Stream<Path> files = Files.list(logDir)) {
            return files.filter(f -> SegmentFormat.parse(f.getFileName().toString()).isPresent()).sorted().toList();
        }
    }

    static long base(Path segment) {
        return SegmentFormat.parse(segment.getFileName().toString()).orElseThrow().baseIndex();
    }

    /** How much of a segment a crash cannot touch: what the checkpoint forced, or the header of a segment created since. */
    static long forcedBytes(Path segment, Map<Long, Long> atCheckpoint) throws IOException {
        long size = Files.size(segment);
        Long forced = atCheckpoint.get(base(segment));
        return Math.min(size, forced == null ? SegmentFormat.HEADER_BYTES : forced);
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    static void zero(Path file, long from, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.allocate(length), from);
        }
    }

    /** Where the records of a journal file end (zeros follow: files are zero-filled in advance). */
    static long recordsEnd(Path journal) throws IOException {
        long seq = dev.floe.raft.storage.internal.JournalFormat.parse(journal.getFileName().toString()).orElseThrow();
        long end = dev.floe.raft.storage.internal.JournalFormat.HEADER_BYTES;
        for (var r : dev.floe.raft.storage.internal.JournalReader.read(journal, seq, true, 1 << 20).records()) {
            end += dev.floe.raft.storage.internal.JournalFormat.fixedSize(r.group().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            for (var e : r.entries()) end += dev.floe.raft.storage.internal.RecordFormat.size(e);
        }
        return end;
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** Closes a group's stores as its server would. */
    static void close(GroupStorage.Stores stores) throws Exception {
        stores.log().close();
        stores.owner().orElseThrow().close();
    }

    static Path logDir(Path root, String group) {
        return root.resolve("groups").resolve(group).resolve("log");
    }

    static GroupId group(String name) {
        return GroupId.of(name);
    }
}
