package dev.floe.raft.storage;

/** When the storage forces written data to the disk. */
public enum SyncPolicy {
    /**
     * Every append batch is forced ({@code fdatasync}) before its future completes, and every
     * structural change (segment roll, truncation, deletion, rename) forces the file and its
     * directory. The default, and the only policy under which Raft's safety argument holds.
     */
    FSYNC,
    /**
     * Nothing is ever forced: data reaches the disk when the operating system writes it back.
     * Survives the death of the process but not of the machine. For tests and throwaway clusters.
     */
    NONE
}
