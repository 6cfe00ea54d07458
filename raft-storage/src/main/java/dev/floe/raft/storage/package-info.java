/**
 * Floe's default storage: a crash-safe segmented file log ({@link dev.floe.raft.storage.FileLogStorage}),
 * a hard-state file ({@link dev.floe.raft.storage.FileHardStateStore}) and a snapshot store
 * ({@link dev.floe.raft.storage.FileSnapshotStore}), opened together by
 * {@link dev.floe.raft.storage.FileStorage#open}. The on-disk format, recovery rules and durability
 * guarantees are in {@code docs/storage.md}.
 */
package dev.floe.raft.storage;
