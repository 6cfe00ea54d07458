package dev.floe.raft.storage;

/**
 * Counters of a {@link FileGroupStorage}'s shared log writer since it started, summed over every
 * group's log: how well the host-wide group commit batches.
 *
 * @param rounds      rounds run (each takes every log with appends queued)
 * @param logsWritten logs written, summed over the rounds; {@code logsWritten / rounds} is the mean round width
 * @param writes      positional writes of appended records into the groups' segment files
 * @param forces      forces under {@link SyncPolicy#FSYNC} (none otherwise): the host journal's (one per
 *                    round) and its checkpoints' (one per segment written since the last checkpoint)
 * @param entries     entries written; {@code entries / forces} is the mean batch per fsync
 * @param forceNanos  time spent in forces, summed over the threads that issued them concurrently
 */
public record GroupCommitStats(long rounds, long logsWritten, long writes, long forces, long entries, long forceNanos) {
    /**
     * The counters accumulated since {@code earlier}.
     *
     * @param earlier counters taken before these
     * @return the difference
     */
    public GroupCommitStats since(GroupCommitStats earlier) {
        return new GroupCommitStats(rounds - earlier.rounds, logsWritten - earlier.logsWritten, writes - earlier.writes,
                forces - earlier.forces, entries - earlier.entries, forceNanos - earlier.forceNanos);
    }

    /**
     * These counters and {@code other}'s together (several hosts' writers, say).
     *
     * @param other more counters
     * @return the sum
     */
    public GroupCommitStats plus(GroupCommitStats other) {
        return new GroupCommitStats(rounds + other.rounds, logsWritten + other.logsWritten, writes + other.writes,
                forces + other.forces, entries + other.entries, forceNanos + other.forceNanos);
    }
}
