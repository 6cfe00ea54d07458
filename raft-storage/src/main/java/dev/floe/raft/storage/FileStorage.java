package dev.floe.raft.storage;

import dev.floe.raft.HardState;
import dev.floe.raft.LogStorage;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.storage.internal.DirectoryLock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one Raft node of one group keeps on disk, under one locked directory:
 * <pre>
 * dir/floe.lock      held (OS file lock) while open
 * dir/hardstate      current term and vote ({@link FileHardStateStore})
 * dir/log/           the log segments ({@link FileLogStorage})
 * dir/snapshots/     the snapshots ({@link FileSnapshotStore})
 * dir/hardstate.damaged  a hard-state file that failed its checksum, kept for analysis
 * dir/log.damaged-N      a damaged log moved aside by StorageOptions.repairDamagedLog, kept for analysis
 * </pre>
 * {@link #close()} closes the three stores and releases the lock.
 *
 * <p>{@link #open} checks that the hard state still vouches for the log ({@link DurableStateCheck}):
 * a hard-state file that is missing next to a non-empty log, damaged, or older than the log is
 * replaced by one that makes the member repair ({@link HardState#repairing()}: no vote until it has
 * caught up with a leader), with a WARN naming the file. Damage in the log itself that a crash
 * cannot explain refuses the open, saying what to do, or with {@link StorageOptions#repairDamagedLog()}
 * moves the log aside and repairs the member the same way.
 */
public final class FileStorage implements AutoCloseable {
    /** The names Floe writes directly under the directory; anything else makes it foreign. */
    private static final Set<String> OURS = Set.of("floe.lock", "hardstate", "hardstate.tmp", "hardstate.damaged", "log", "snapshots");
    private static final Logger LOG = LoggerFactory.getLogger(FileStorage.class);
    /** What to do about a log damaged beyond what a crash explains (two %s: the directory). */
    static final String LOG_DAMAGE_ADVICE = "Floe does not guess which entries were there. If the other members are"
            + " healthy, repair this member from them: stop it, move %s aside (keep it for analysis), create it again empty,"
            + " mark it for repair (FileStorage.markForRepair; raft-kv: `java -jar raft-kv.jar repair --data-dir %s`) and"
            + " start it: it receives the log or a snapshot from the leader and does not vote until it has caught up."
            + " See docs/operations.md, storage faults and recovery";

    private final DirectoryLock lock;
    private final FileLogStorage log;
    private final FileHardStateStore hardState;
    private final FileSnapshotStore snapshots;
    private final Optional<String> repairReason;

    private FileStorage(DirectoryLock lock, FileLogStorage log, FileHardStateStore hardState, FileSnapshotStore snapshots,
                        Optional<String> repairReason) {
        this.lock = lock;
        this.log = log;
        this.hardState = hardState;
        this.snapshots = snapshots;
        this.repairReason = repairReason;
    }

    /**
     * Opens (or creates) the storage in {@code dir}.
     *
     * @throws StorageLockedException if another process or store has it open
     * @throws ForeignDirectoryException if {@code dir} holds files Floe did not write
     * @throws StorageCorruptionException if stored data is damaged beyond what a crash explains
     * @param dir     the member's storage directory
     * @param options the storage settings
     * @return the open storage, which the caller closes (or hands to {@code RaftServer.Builder#closeWith})
     * @throws IOException if the files cannot be read or written
     */
    public static FileStorage open(Path dir, StorageOptions options) throws IOException {
        return open(dir, options, null);
    }

    /** {@link #open(Path, StorageOptions)} with the log journaled and written by the host's shared writer (null: its own thread). */
    static FileStorage open(Path dir, StorageOptions options, dev.floe.raft.storage.internal.GroupJournal shared) throws IOException {
        Files.createDirectories(dir);
        // Check for foreign files before creating anything, so a wrong path is left untouched.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!OURS.contains(name) && !name.matches("log\\.damaged-\\d+")) throw new ForeignDirectoryException(dir, file);
            }
        }
        DirectoryLock lock = DirectoryLock.acquire(dir.resolve("floe.lock"));
        FileLogStorage log = null;
        try {
            FileHardStateStore hardState = new FileHardStateStore(dir.resolve("hardstate"), options.syncPolicy());
            Optional<HardState> loaded = Optional.empty();
            Optional<String> problem = Optional.empty();
            boolean logDamaged = false;
            try {
                if (Files.exists(hardState.file())) loaded = Optional.of(hardState.load());
            } catch (StorageCorruptionException e) {
                // A damaged hard state is a lost one: keep it for analysis and repair (no guessing of votes).
                Files.move(hardState.file(), dir.resolve("hardstate.damaged"), StandardCopyOption.REPLACE_EXISTING);
                problem = Optional.of(e.getMessage() + " (moved to hardstate.damaged)");
            }
            FileSnapshotStore snapshots = new FileSnapshotStore(dir.resolve("snapshots"), options.syncPolicy(), options.snapshotsRetained());
            Optional<SnapshotMeta> snapshot = snapshots.latest().map(SnapshotStore.Snapshot::meta);
            try {
                log = FileLogStorage.open(dir.resolve("log"), options, shared, Long.MAX_VALUE);
            } catch (StorageCorruptionException e) {
                if (!options.repairDamagedLog()) throw e.withAdvice(LOG_DAMAGE_ADVICE.formatted(dir, dir));
                // Protocol-aware recovery (FAST '18): the entries are held by the other members; this one
                // may have acknowledged some of them, so it must not vote or count toward a quorum until
                // a leader has repaired it (the repairing hard state below), like a member restored from a copy.
                Path aside = moveAside(dir.resolve("log"), "log.damaged-", options.syncPolicy());
                log = FileLogStorage.open(dir.resolve("log"), options, shared, Long.MAX_VALUE);
                logDamaged = true;
                problem = Optional.of(problem.map(p -> p + "; ").orElse("") + "the log is damaged beyond what a crash explains (" + e.getMessage() + "); it was moved to "
                        + aside.getFileName() + " and the member starts with an empty log, to be repaired from the leader");
            }
            long logTerm = log.term(log.lastIndex());
            if (problem.isEmpty()) {
                problem = DurableStateCheck.problem(hardState.file(), loaded, log.firstIndex(), log.lastIndex(), logTerm, snapshot);
            }
            if (problem.isPresent()) {
                HardState repairing = DurableStateCheck.repairing(loaded, logTerm, snapshot);
                hardState.save(repairing);
                LOG.warn("{}: {}; {}, so this member starts repairing at term {}: it will not vote or"
                        + " campaign until it has caught up with a leader (docs/operations.md, storage faults and recovery)",
                        dir, problem.get(), logDamaged ? "it may have acknowledged entries it no longer has"
                                : "the votes it recorded may be lost", repairing.term());
            } else if (loaded.map(HardState::repairing).orElse(false)) {
                problem = Optional.of("a repair started earlier is not finished");
                LOG.warn("{}: {}; this member will not vote or campaign until it has caught up with a leader", dir, problem.get());
            }
            return new FileStorage(lock, log, hardState, snapshots, problem);
        } catch (IOException | RuntimeException e) {
            if (log != null) log.close();
            lock.close();
            throw e;
        }
    }

    /** Renames {@code path} to the first free {@code <prefix><n>} beside it, syncing the directory. */
    static Path moveAside(Path path, String prefix, SyncPolicy sync) throws IOException {
        for (int n = 1; ; n++) {
            Path target = path.resolveSibling(prefix + n);
            if (Files.exists(target)) continue;
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
            dev.floe.raft.storage.internal.FileOps.syncDirectory(path.getParent(), sync);
            return target;
        }
    }

    /**
     * Marks the member in {@code dir} for repair (creating the directory if needed): from its next
     * start it does not vote or campaign until it has caught up with a leader. For a member whose
     * directory was restored from a backup or an old copy, or replaced by an empty one after damage
     * (see {@code docs/operations.md}, "storage faults and recovery"). The member must be stopped.
     *
     * @param dir     the stopped member's storage directory
     * @param options the storage settings
     * @throws IOException if the storage cannot be opened or the mark saved
     */
    public static void markForRepair(Path dir, StorageOptions options) throws IOException {
        try (FileStorage storage = open(dir, options)) {
            HardState hs = storage.hardState.load();
            storage.hardState.save(new HardState(hs.term(), hs.votedFor(), true));
        }
        LOG.warn("{}: marked for repair: the member will not vote or campaign until it has caught up with a leader", dir);
    }

    /**
     * Why {@link #open} found this member's durable state damaged or older than what it promised,
     * or that a repair is unfinished; empty when neither. While present the member repairs.
     *
     * @return the reason, or empty
     */
    public Optional<String> repairReason() {
        return repairReason;
    }

    /** {@return the log (a {@link LogStorage} for the server; its {@link FileLogStorage#stats()} for meters)} */
    public FileLogStorage logStorage() {
        return log;
    }

    /** {@return the hard-state store (term and vote)} */
    public FileHardStateStore hardStateStore() {
        return hardState;
    }

    /** {@return the snapshot store} */
    public FileSnapshotStore snapshotStore() {
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
