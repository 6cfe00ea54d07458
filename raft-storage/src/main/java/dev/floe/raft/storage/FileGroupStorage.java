package dev.floe.raft.storage;

import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.storage.internal.DirectoryLock;
import dev.floe.raft.storage.internal.GroupJournal;
import dev.floe.raft.storage.internal.Journal;
import dev.floe.raft.storage.internal.JournalFormat;
import dev.floe.raft.storage.internal.SharedWriter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The {@link GroupStorage} of a host: every Raft group it runs keeps a {@link FileStorage} of its own
 * under one root, and every group's log writes go through one host journal,
 * <pre>
 * root/groups/&lt;group id&gt;/    one group's hard state, log segments and snapshots (see FileStorage)
 * root/journal/&lt;seq&gt;.wal      the host journal: every log mutation of every group since the last checkpoint
 * root/journal/lock           held (OS file lock) while open
 * </pre>
 * A group's log, hard state and snapshots are its own files, so each group compacts and is repaired
 * alone, exactly as a single-group member does.
 *
 * <p>What the groups share is the log writing, through a write-ahead journal (docs/multi-raft.md,
 * storage): {@link #WRITER_THREADS} threads write every group's appends in rounds. A round takes
 * every log with appends queued, writes their records into the journal and forces it once, then
 * copies the same bytes into each group's segment file without forcing it, and completes the
 * appends. Truncations, compactions and resets are journaled (and forced) before they change a
 * group's files. A checkpoint (every {@link #CHECKPOINT_BYTES} of journal or
 * {@link #CHECKPOINT_INTERVAL_MILLIS}) starts a new journal file, forces the segment files written
 * since the last one ({@link #FORCE_THREADS} at once) and deletes the older journal files.
 * {@link #open} replays what a crash left in the journal into the groups' logs before any group
 * runs. Hard states are saved (and forced) by each group's persist activity, on the host's disk threads.
 *
 * <p>Close it after every group that uses it: closing runs a last checkpoint, so a clean restart
 * replays nothing.
 */
public final class FileGroupStorage implements GroupStorage, AutoCloseable {
    /** The shared log writer's threads: how many rounds may be encoded at once (their journal writes take turns). */
    public static final int WRITER_THREADS = 2;
    /**
     * A checkpoint's force threads: how many group segment files it forces at once. Forces issued
     * together share the file system's journal commit (docs/multi-raft.md, storage).
     */
    public static final int FORCE_THREADS = 16;
    /** A checkpoint runs once the current journal file holds this many bytes of records... */
    public static final long CHECKPOINT_BYTES = 64L << 20;
    /** ...or this long after the last one, if anything was journaled since. */
    public static final long CHECKPOINT_INTERVAL_MILLIS = 10_000;
    /** Name of the lock file in the journal directory. */
    static final String JOURNAL_LOCK = "lock";

    private final Path root;
    private final StorageOptions options;
    private final DirectoryLock lock;
    private final SharedWriter writer;
    private final long replayedRecords;

    private FileGroupStorage(Path root, StorageOptions options, DirectoryLock lock, SharedWriter writer, long replayedRecords) {
        this.replayedRecords = replayedRecords;
        this.root = root;
        this.options = options;
        this.lock = lock;
        this.writer = writer;
    }

    /**
     * The groups' storage under {@code root} (created as groups are opened), with its shared log
     * writer started. First replays into the groups' logs whatever a crash left in the host journal.
     *
     * @param root    the host's storage root
     * @param options the settings of every group's storage
     * @return the group storage, which the caller closes after its groups
     * @throws StorageLockedException if another process or storage has the root open
     * @throws StorageCorruptionException if the journal, or a group's log it replays into, is damaged beyond what a crash
     *                                    explains (with {@link StorageOptions#repairDamagedLog()} such a group's log is
     *                                    moved aside instead and the group marked for repair, and the others start)
     * @throws IOException if the files cannot be read or written
     */
    public static FileGroupStorage open(Path root, StorageOptions options) throws IOException {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(options, "options");
        Path journalDir = root.resolve("journal");
        Files.createDirectories(journalDir);
        DirectoryLock lock = DirectoryLock.acquire(journalDir.resolve(JOURNAL_LOCK));
        try {
            JournalRecovery.Outcome replayed = JournalRecovery.recover(root, journalDir, options);
            Journal journal = Journal.start(journalDir, replayed.nextSeq(), options.syncPolicy(), options.maxWriteBytes(),
                    CHECKPOINT_BYTES, TimeUnit.MILLISECONDS.toNanos(CHECKPOINT_INTERVAL_MILLIS));
            return new FileGroupStorage(root, options, lock,
                    new SharedWriter("floe-group-log-writer", WRITER_THREADS, FORCE_THREADS, journal), replayed.records());
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Where group {@code group} keeps its files.
     *
     * @param group the group
     * @return its directory, {@code root/groups/<group>}
     */
    public Path directory(GroupId group) {
        return root.resolve("groups").resolve(group.value());
    }

    /**
     * Opens (or creates) {@code group}'s {@link FileStorage}; the group's server closes it.
     *
     * @throws StorageLockedException if the group's storage is already open
     * @throws StorageCorruptionException if its files are damaged beyond what a crash explains
     */
    @Override
    public Stores open(GroupId group) throws IOException {
        GroupJournal journal = new GroupJournal(writer, group.value());
        // A new log (a group created, or created again after its removal) starts with a journaled
        // RESET to an empty log: a replay then drops the records of an earlier group of that name.
        boolean created = !Files.isDirectory(directory(group).resolve("log"));
        if (created) journal.record(JournalFormat.RESET, 0, 0);
        FileStorage storage = FileStorage.open(directory(group), options, journal);
        if (!created && storage.logStorage().recoveryReport().newLog()) journal.record(JournalFormat.RESET, 0, 0);
        return new Stores(storage.logStorage(), storage.hardStateStore(), Optional.of(storage.snapshotStore()), Optional.of(storage));
    }

    /**
     * Marks group {@code group} of the stopped host whose root is {@code root} for repair, as
     * {@link FileStorage#markForRepair} does for a single-group member: the journal is replayed first
     * (and checkpointed away), since until then the group's own files may lack what the journal holds.
     *
     * @param root    the stopped host's storage root
     * @param group   the group to repair
     * @param options the storage settings
     * @throws IOException if the storage cannot be opened or the mark saved
     */
    public static void markForRepair(Path root, GroupId group, StorageOptions options) throws IOException {
        Path dir;
        try (FileGroupStorage storage = open(root, options)) {
            dir = storage.directory(group);
        }
        FileStorage.markForRepair(dir, options);
    }

    /**
     * The groups whose storage exists under this root, for a restart to open them again.
     *
     * @return the groups found, in order
     * @throws IOException if the root cannot be listed
     */
    public SortedSet<GroupId> groups() throws IOException {
        return groupsUnder(root);
    }

    /**
     * The groups whose storage exists under {@code root}, without opening anything (no writer
     * threads): for a program that checks a directory before it starts a host on it.
     *
     * @param root a host's storage root
     * @return the groups found, in order
     * @throws IOException if the root cannot be listed
     */
    public static SortedSet<GroupId> groupsUnder(Path root) throws IOException {
        SortedSet<GroupId> found = new TreeSet<>();
        Path groups = root.resolve("groups");
        if (!Files.isDirectory(groups)) return found;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(groups, Files::isDirectory)) {
            for (Path dir : dirs) {
                try {
                    found.add(GroupId.of(dir.getFileName().toString()));
                } catch (IllegalArgumentException notAGroup) {
                    // Not a name Floe would have created: not one of ours.
                }
            }
        }
        return found;
    }

    /**
     * The shared log writer's counters so far, summed over every group's log: rounds, forces (the
     * journal's and the checkpoints') and entries per force, for monitoring and benchmarks.
     *
     * @return the counters
     */
    public GroupCommitStats stats() {
        return writer.stats();
    }

    /**
     * The host journal's counters so far: bytes journaled, its forces, checkpoints and their forces.
     *
     * @return the counters
     */
    public JournalStats journalStats() {
        Journal journal = writer.journal();
        return new JournalStats(journal.bytesWritten(), journal.forces(), journal.checkpoints(), journal.checkpointForces(), replayedRecords);
    }

    /**
     * Runs a checkpoint now: forces every group segment file written since the last one and deletes
     * the journal files before it, so that the groups' own files hold everything acknowledged (say,
     * before the root is copied for a backup, or to bound the next start's replay). Checkpoints also
     * run on their own, off the append path.
     *
     * @throws IOException if a force failed; the journal then refuses further writes and the host must stop
     */
    public void checkpoint() throws IOException {
        writer.checkpoint();
    }

    /** Stops the shared log writer's threads and checkpoints; close every group that uses this storage first. */
    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            try {
                lock.close();
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(FileGroupStorage.class).warn("{}: releasing the journal lock failed", root, e);
            }
        }
    }
}
