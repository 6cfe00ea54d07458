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

    /**
     * The newest committed snapshot, if any.
     *
     * @return the snapshot, or empty if none was ever committed
     * @throws IOException if the store cannot be read
     */
    Optional<Snapshot> latest() throws IOException;

    /**
     * Starts writing the snapshot described by {@code meta}.
     *
     * @param meta the index, term and configuration the snapshot stands for
     * @return a writer for the state-machine data
     * @throws IOException if the snapshot cannot be created
     */
    Writer begin(SnapshotMeta meta) throws IOException;

    @Override
    default void close() throws IOException {
    }

    /** A committed snapshot. */
    interface Snapshot {
        /** {@return the index, term and configuration the snapshot stands for} */
        SnapshotMeta meta();

        /**
         * Size of the state-machine data in bytes.
         *
         * @return the size
         */
        long sizeBytes();

        /**
         * CRC32C of the state-machine data.
         *
         * @return the checksum
         */
        long checksum();

        /**
         * Streams the state-machine data (verified against the checksum as it is read, or before).
         *
         * @return a new stream over the data, which the caller closes
         * @throws IOException if the data cannot be read
         */
        InputStream open() throws IOException;
    }

    /** A snapshot being written. Not thread-safe. */
    abstract class Writer extends OutputStream {
        /** For the stores' own writers. */
        protected Writer() {
        }

        /**
         * Makes the snapshot durable and the newest; returns it.
         *
         * @return the committed snapshot
         * @throws IOException if it cannot be made durable
         */
        public abstract Snapshot commit() throws IOException;

        /** Discards what was written. Idempotent; a no-op after {@link #commit()}. */
        public abstract void abort();
    }
}
