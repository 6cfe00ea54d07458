/**
 * The default {@link dev.floe.raft.LogStorage}, {@link dev.floe.raft.HardStateStore} and
 * {@link dev.floe.raft.SnapshotStore}: a crash-safe segmented file log with its hard-state file and
 * snapshot store. Only {@code dev.floe.raft.storage} is exported; the record formats and file
 * handling in {@code dev.floe.raft.storage.internal} are not.
 */
module dev.floe.raft.storage {
    requires transitive dev.floe.raft;
    requires org.slf4j;

    exports dev.floe.raft.storage;
}
