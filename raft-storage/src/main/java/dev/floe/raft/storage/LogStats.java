package dev.floe.raft.storage;

/**
 * Counters of a {@link FileLogStorage} since it was opened.
 *
 * @param writes positional writes of appended records
 * @param syncs forces of appended records (one per write under {@link SyncPolicy#FSYNC}, none otherwise)
 * @param bytesWritten bytes of appended records written
 */
public record LogStats(long writes, long syncs, long bytesWritten) {
}
