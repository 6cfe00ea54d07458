package dev.floe.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Durable storage for state-machine snapshots (Raft paper §7). {@code raft-storage} ships the
 * default (files published atomically, newest N kept); tests use an in-memory one.
 *
 * <p>A snapshot is written through a {@link Writer} and becomes visible only when
 * {@link Writer#commit()} returns: a crash before that leaves the previous snapshot in place.
 */
public interface SnapshotStore extends AutoCloseable {

    /** The newest committed snapshot, if any. */
    Optional<Snapshot> latest() throws IOException;

    /** Starts writing the snapshot described by {@code meta}. */
    Writer begin(SnapshotMeta meta) throws IOException;

    @Override
    default void close() throws IOException {
    }

    /** A committed snapshot. */
    interface Snapshot {
        SnapshotMeta meta();

        /** Size of the state-machine data in bytes. */
        long sizeBytes();

        /** CRC32C of the state-machine data. */
        long checksum();

        /** Streams the state-machine data (verified against the checksum as it is read, or before). */
        InputStream open() throws IOException;
    }

    /** A snapshot being written. Not thread-safe. */
    abstract class Writer extends OutputStream {
        /** Makes the snapshot durable and the newest; returns it. */
        public abstract Snapshot commit() throws IOException;

        /** Discards what was written. Idempotent; a no-op after {@link #commit()}. */
        public abstract void abort();
    }
}
