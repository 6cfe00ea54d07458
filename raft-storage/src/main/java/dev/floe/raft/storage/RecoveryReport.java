package dev.floe.raft.storage;

/**
 * What {@link FileLogStorage#open} found and repaired.
 *
 * @param segments segment files in the log after opening
 * @param entries entries found on disk
 * @param tornBytesCut bytes cut from the tail of the open segment (a write that was never
 *     acknowledged as durable); 0 when the log was closed cleanly or every write completed
 * @param tempFilesRemoved leftover temporary files of an interrupted segment creation
 * @param newLog whether the directory held no log, so a new one was started
 */
public record RecoveryReport(int segments, long entries, long tornBytesCut, int tempFilesRemoved, boolean newLog) {
}
