package dev.floe.raft.storage;

import dev.floe.raft.HardStateStore;
import dev.floe.raft.LogStorage;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.storage.internal.DirectoryLock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Everything one Raft node of one group keeps on disk, under one locked directory:
 * <pre>
 * dir/floe.lock      held (OS file lock) while open
 * dir/hardstate      current term and vote ({@link FileHardStateStore})
 * dir/log/           the log segments ({@link FileLogStorage})
 * dir/snapshots/     the snapshots ({@link FileSnapshotStore})
 * </pre>
 * {@link #close()} closes the three stores and releases the lock.
 */
public final class FileStorage implements AutoCloseable {
    /** The names Floe writes directly under the directory; anything else makes it foreign. */
    private static final Set<String> OURS = Set.of("floe.lock", "hardstate", "hardstate.tmp", "log", "snapshots");

    private final DirectoryLock lock;
    private final FileLogStorage log;
    private final FileHardStateStore hardState;
    private final FileSnapshotStore snapshots;

    private FileStorage(DirectoryLock lock, FileLogStorage log, FileHardStateStore hardState, FileSnapshotStore snapshots) {
        this.lock = lock;
        this.log = log;
        this.hardState = hardState;
        this.snapshots = snapshots;
    }

    /**
     * Opens (or creates) the storage in {@code dir}.
     *
     * @throws StorageLockedException if another process or store has it open
     * @throws ForeignDirectoryException if {@code dir} holds files Floe did not write
     * @throws StorageCorruptionException if stored data is damaged beyond what a crash explains
     */
    public static FileStorage open(Path dir, StorageOptions options) throws IOException {
        Files.createDirectories(dir);
        // Check for foreign files before creating anything, so a wrong path is left untouched.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (!OURS.contains(file.getFileName().toString())) throw new ForeignDirectoryException(dir, file);
            }
        }
        DirectoryLock lock = DirectoryLock.acquire(dir.resolve("floe.lock"));
        FileLogStorage log = null;
        try {
            FileHardStateStore hardState = new FileHardStateStore(dir.resolve("hardstate"), options.syncPolicy());
            hardState.load();
            FileSnapshotStore snapshots = new FileSnapshotStore(dir.resolve("snapshots"), options.syncPolicy(), options.snapshotsRetained());
            snapshots.latest();
            log = FileLogStorage.open(dir.resolve("log"), options);
            return new FileStorage(lock, log, hardState, snapshots);
        } catch (IOException | RuntimeException e) {
            if (log != null) log.close();
            lock.close();
            throw e;
        }
    }

    /** The log. */
    public FileLogStorage log() {
        return log;
    }

    /** The hard state (term and vote). */
    public FileHardStateStore hardState() {
        return hardState;
    }

    /** The snapshots. */
    public FileSnapshotStore snapshots() {
        return snapshots;
    }

    /** The log as the plug interface. */
    public LogStorage logStorage() {
        return log;
    }

    /** The hard-state store as the plug interface. */
    public HardStateStore hardStateStore() {
        return hardState;
    }

    /** The snapshot store as the plug interface. */
    public SnapshotStore snapshotStore() {
        return snapshots;
    }

    @Override
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            lock.close();
        }
    }
}
