package dev.floe.raft.storage;

/**
 * Counters of a {@link FileLogStorage} since it was opened.
 *
 * @param writes         positional writes of appended records (each a batch of entries)
 * @param syncs          forces of appended records (one per write under {@link SyncPolicy#FSYNC}, none otherwise)
 * @param bytesWritten   bytes of appended records written
 * @param entriesWritten entries written; {@code entriesWritten / writes} is the mean batch size
 * @param syncNanos      time spent in those forces; {@code syncNanos / syncs} is the mean fsync latency
 */
public record LogStats(long writes, long syncs, long bytesWritten, long entriesWritten, long syncNanos) {
}
