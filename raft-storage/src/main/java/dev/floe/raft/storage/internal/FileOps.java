package dev.floe.raft.storage.internal;

import dev.floe.raft.storage.SyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File-system steps whose order and durability the crash-safety argument relies on. */
public final class FileOps {
    private FileOps() {
    }

    /**
     * Forces the directory entry changes (create, rename, delete) in {@code dir} to the disk. Without
     * it a rename or unlink may be lost or reordered by a machine crash even though the files are synced.
     */
    public static void syncDirectory(Path dir, SyncPolicy policy) throws IOException {
        if (policy == SyncPolicy.NONE) return;
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Forces the file's data and metadata (size included) when the policy asks for it. */
    public static void force(FileChannel channel, SyncPolicy policy) throws IOException {
        if (policy == SyncPolicy.FSYNC) channel.force(true);
    }

    /** Writes all of {@code buffer} at {@code position}. */
    public static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    /** Reads exactly {@code buffer.remaining()} bytes at {@code position}; false if the file ends first. */
    public static boolean readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) return false;
            at += n;
        }
        return true;
    }

    /**
     * Publishes {@code content} as {@code target} atomically: write a temp file, force it, rename
     * it over the target, force the directory. A crash leaves the old target or the new one, plus
     * possibly a stray temp file that readers ignore.
     */
    public static void atomicWrite(Path target, ByteBuffer content, SyncPolicy policy) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, content, 0);
            force(channel, policy);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent(), policy);
    }
}
