package dev.floe.raft.storage;

import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.storage.internal.SharedWriter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The {@link GroupStorage} of a host: every Raft group it runs keeps a {@link FileStorage} of its own
 * under one root,
 * <pre>
 * root/groups/&lt;group id&gt;/    one group's hard state, log segments and snapshots (see FileStorage)
 * </pre>
 * each locked while its group runs. A group's log, hard state and snapshots are its own files, so
 * each group recovers, compacts and is repaired alone, exactly as a single-group member does.
 *
 * <p>What the groups share is the log writing: instead of a writer thread per log, {@link #WRITER_THREADS}
 * threads write every group's appends in rounds (a host-wide group commit). A round takes every log
 * with appends queued and writes each; then {@link #FORCE_THREADS} threads force the written files
 * concurrently, and each log's appends complete once its file is forced. fsync is per file, so a
 * round still issues one force per log it wrote; issued at once, they share the file system's
 * journal commit (docs/multi-raft.md, storage). Hard states are
 * saved (and forced) by each group's persist activity, on the host's disk threads.
 *
 * <p>Close it after every group that uses it.
 */
public final class FileGroupStorage implements GroupStorage, AutoCloseable {
    /** The shared log writer's threads: how many rounds may be written at once. */
    public static final int WRITER_THREADS = 2;
    /**
     * The shared log writer's force threads: how many group logs may be forced at once. Forces
     * issued together share the file system's journal commit (docs/multi-raft.md, storage).
     */
    public static final int FORCE_THREADS = 16;

    private final Path root;
    private final StorageOptions options;
    private final SharedWriter writer;

    private FileGroupStorage(Path root, StorageOptions options) {
        this.root = root;
        this.options = options;
        this.writer = new SharedWriter("floe-group-log-writer", WRITER_THREADS, FORCE_THREADS);
    }

    /**
     * The groups' storage under {@code root} (created as groups are opened), with its shared log
     * writer started.
     *
     * @param root    the host's storage root
     * @param options the settings of every group's storage
     * @return the group storage, which the caller closes after its groups
     */
    public static FileGroupStorage open(Path root, StorageOptions options) {
        return new FileGroupStorage(Objects.requireNonNull(root, "root"), Objects.requireNonNull(options, "options"));
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
        FileStorage storage = FileStorage.open(directory(group), options, writer);
        return new Stores(storage.logStorage(), storage.hardStateStore(), Optional.of(storage.snapshotStore()), Optional.of(storage));
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
     * The shared log writer's counters so far, summed over every group's log: rounds, forces and
     * entries per force, for monitoring and benchmarks.
     *
     * @return the counters
     */
    public GroupCommitStats stats() {
        return writer.stats();
    }

    /** Stops the shared log writer's threads; close every group that uses this storage first. */
    @Override
    public void close() {
        writer.close();
    }
}
