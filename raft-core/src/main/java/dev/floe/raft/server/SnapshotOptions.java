package dev.floe.raft.server;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link RaftServer} snapshots its state machine and compacts its log (Raft paper §7), and
 * how it streams snapshots to followers that fell behind the log. Immutable.
 *
 * @param afterEntries     take a snapshot once this many entries were applied since the last one
 *                         (0: never by count; default 10 000)
 * @param afterBytes       or once this many entry bytes were applied since the last one (0: never
 *                         by size; default 64 MiB)
 * @param keepEntries      entries kept before the snapshot point when compacting, so followers that
 *                         lag slightly catch up from the log instead of needing a snapshot (default 1 000)
 * @param chunkBytes       bytes of snapshot data per InstallSnapshot chunk (default 1 MiB)
 * @param windowChunks     chunks a sender may have unacknowledged at once: the flow-control window
 *                         and the bound on memory per transfer (default 4)
 * @param retransmitAfter  a sender that hears no acknowledgement for this long resends from the
 *                         last acknowledged offset (default 1 s)
 * @param transferTimeout  a sender that makes no progress for this long gives up and reports
 *                         failure to the core, which retries later (default 30 s)
 */
public record SnapshotOptions(long afterEntries, long afterBytes, long keepEntries, int chunkBytes, int windowChunks,
                              Duration retransmitAfter, Duration transferTimeout) {

    /**
     * Validates every option.
     *
     * @param afterEntries     take a snapshot once this many entries were applied since the last one (0: never by count; default 10 000)
     * @param afterBytes       or once this many entry bytes were applied since the last one (0: never by size; default 64 MiB)
     * @param keepEntries      entries kept before the snapshot point when compacting, so followers that lag slightly catch up from the log instead of needing a snapshot (default 1 000)
     * @param chunkBytes       bytes of snapshot data per InstallSnapshot chunk (default 1 MiB)
     * @param windowChunks     chunks a sender may have unacknowledged at once: the flow-control window and the bound on memory per transfer (default 4)
     * @param retransmitAfter  a sender that hears no acknowledgement for this long resends from the last acknowledged offset (default 1 s)
     * @param transferTimeout  a sender that makes no progress for this long gives up and reports failure to the core, which retries later (default 30 s)
     * @throws IllegalArgumentException naming the invalid options
     */
    public SnapshotOptions {
        if (afterEntries < 0 || afterBytes < 0 || keepEntries < 0) {
            throw new IllegalArgumentException("afterEntries, afterBytes and keepEntries must not be negative");
        }
        if (chunkBytes < 1 || chunkBytes > (8 << 20)) throw new IllegalArgumentException("chunkBytes must be in [1, 8 MiB]: " + chunkBytes);
        if (windowChunks < 1) throw new IllegalArgumentException("windowChunks must be positive: " + windowChunks);
        Objects.requireNonNull(retransmitAfter, "retransmitAfter");
        Objects.requireNonNull(transferTimeout, "transferTimeout");
        if (retransmitAfter.isNegative() || retransmitAfter.isZero() || transferTimeout.compareTo(retransmitAfter) < 0) {
            throw new IllegalArgumentException("need 0 < retransmitAfter <= transferTimeout");
        }
    }

    /** {@return the defaults (see the parameter descriptions)} */
    public static SnapshotOptions defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults; the same as {@code defaults().toBuilder()}.
     *
     * @return a builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from these options} */
    public Builder toBuilder() {
        return new Builder().triggers(afterEntries, afterBytes, keepEntries).transfer(chunkBytes, windowChunks)
                .timers(retransmitAfter, transferTimeout);
    }

    /** Builds {@link SnapshotOptions}; options that belong together are set together. Not thread-safe. */
    public static final class Builder {
        private long afterEntries = 10_000;
        private long afterBytes = 64L << 20;
        private long keepEntries = 1_000;
        private int chunkBytes = 1 << 20;
        private int windowChunks = 4;
        private Duration retransmitAfter = Duration.ofSeconds(1);
        private Duration transferTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * When to snapshot automatically, and the compaction margin.
         *
         * @param entries see {@link SnapshotOptions#afterEntries()}
         * @param bytes   see {@link SnapshotOptions#afterBytes()}
         * @param keep    see {@link SnapshotOptions#keepEntries()}
         * @return this builder
         */
        public Builder triggers(long entries, long bytes, long keep) {
            afterEntries = entries;
            afterBytes = bytes;
            keepEntries = keep;
            return this;
        }

        /**
         * The transfer's chunk size and window.
         *
         * @param chunk  see {@link SnapshotOptions#chunkBytes()}
         * @param window see {@link SnapshotOptions#windowChunks()}
         * @return this builder
         */
        public Builder transfer(int chunk, int window) {
            chunkBytes = chunk;
            windowChunks = window;
            return this;
        }

        /**
         * The transfer's timers.
         *
         * @param retransmit see {@link SnapshotOptions#retransmitAfter()}
         * @param timeout    see {@link SnapshotOptions#transferTimeout()}
         * @return this builder
         */
        public Builder timers(Duration retransmit, Duration timeout) {
            retransmitAfter = retransmit;
            transferTimeout = timeout;
            return this;
        }

        /**
         * Checks and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException naming the first invalid option
         */
        public SnapshotOptions build() {
            return new SnapshotOptions(afterEntries, afterBytes, keepEntries, chunkBytes, windowChunks, retransmitAfter, transferTimeout);
        }
    }

    boolean due(long entriesSince, long bytesSince) {
        return (afterEntries > 0 && entriesSince >= afterEntries) || (afterBytes > 0 && bytesSince >= afterBytes);
    }
}
