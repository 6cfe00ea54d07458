package dev.floe.raft.storage;

import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
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
 * each group recovers, compacts and is repaired alone, exactly as a single-group member does; what
 * the groups share is the host's threads (docs/multi-raft.md, storage, for what that costs and what
 * a shared write-ahead log would change). Holds no resource itself.
 */
public final class FileGroupStorage implements GroupStorage {
    private final Path root;
    private final StorageOptions options;

    private FileGroupStorage(Path root, StorageOptions options) {
        this.root = root;
        this.options = options;
    }

    /**
     * The groups' storage under {@code root} (created as groups are opened).
     *
     * @param root    the host's storage root
     * @param options the settings of every group's storage
     * @return the group storage
     */
    public static FileGroupStorage at(Path root, StorageOptions options) {
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
        FileStorage storage = FileStorage.open(directory(group), options);
        return new Stores(storage.logStorage(), storage.hardStateStore(), Optional.of(storage.snapshotStore()), Optional.of(storage));
    }

    /**
     * The groups that have a directory under the root: what a restarting host starts again.
     *
     * @return the groups found, in order
     * @throws IOException if the root cannot be listed
     */
    public SortedSet<GroupId> groups() throws IOException {
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
}
