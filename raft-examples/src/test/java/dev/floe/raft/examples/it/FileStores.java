package dev.floe.raft.examples.it;

import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.testkit.StoragePlug;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The production storage for test clusters: a {@link FileStorage} directory per member under
 * {@code root} (fsync on), reopened at each start and closed with the server.
 */
final class FileStores implements StoragePlug {
    private final Path root;
    private final boolean snapshots;
    private final StorageOptions options;

    /**
     * @param root      where each member's directory is
     * @param snapshots whether members keep snapshots in their directory (without, a server never snapshots)
     */
    FileStores(Path root, boolean snapshots) {
        this(root, snapshots, StorageOptions.defaults());
    }

    /** As {@link #FileStores(Path, boolean)}, every member's storage opened with {@code options}. */
    FileStores(Path root, boolean snapshots, StorageOptions options) {
        this.root = root;
        this.snapshots = snapshots;
        this.options = options;
    }

    @Override
    public void plug(RaftServer.Builder builder, NodeId id) throws IOException {
        FileStorage storage = FileStorage.open(root.resolve(id.value()), options);
        builder.storage(storage.logStorage(), storage.hardStateStore()).closeWith(storage);
        if (snapshots) builder.snapshotStore(storage.snapshotStore());
    }
}
