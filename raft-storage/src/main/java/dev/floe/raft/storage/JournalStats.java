package dev.floe.raft.storage;

/**
 * Counters of a {@link FileGroupStorage}'s host journal since it opened.
 *
 * @param bytes            bytes of records journaled
 * @param forces           forces of the journal (one per round, more for a round over maxWriteBytes)
 * @param checkpoints      checkpoints completed (each forces the segments written since the last and deletes old journal files)
 * @param checkpointForces segment files forced by checkpoints
 * @param replayedRecords  journal records that the open replayed into the groups' logs (what a crash left)
 */
public record JournalStats(long bytes, long forces, long checkpoints, long checkpointForces, long replayedRecords) {
}
