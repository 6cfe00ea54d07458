package dev.floe.raft.storage;

/**
 * Settings of the file storage. {@link #defaults()} is safe for production: fsync on, 64 MiB
 * segments, a cache of recent entries big enough for replication to followers that keep up.
 *
 * @param segmentBytes a segment is rolled before an append that would take it past this size (a
 *     segment holds whole append batches, so one oversized batch makes one oversized segment)
 * @param cacheEntries the most recent entries kept in memory, at most
 * @param cacheBytes payload bytes of the cached entries, at most (entries not yet written are kept
 *     whatever the limits)
 * @param syncPolicy when data is forced to the disk
 * @param maxWriteBytes the largest write the writer (or a {@link FileGroupStorage}'s host journal) issues
 *     before a force; it also bounds what open() accepts as a torn tail, so lowering it between runs can
 *     turn a torn tail into a refusal to start (never into silent loss)
 * @param snapshotsRetained committed snapshots kept, newest first; at least 1
 * @param repairDamagedLog what open() does with a log damaged beyond what a crash explains (a
 *     record failing its checksum in a closed segment, segments that do not follow each other):
 *     false (the default) refuses to start, naming the file, the offset and the procedure; true
 *     moves the log aside ({@code log.damaged-<n>}, kept for analysis), starts with an empty log
 *     and repairs the member from the leader, which it does not vote for or count toward any
 *     quorum until it has caught up (FileStorage). Only safe for members of a group of three or
 *     more voters, at most one of them damaged at a time: a lone member has nobody to repair from
 */
public record StorageOptions(long segmentBytes, int cacheEntries, long cacheBytes, SyncPolicy syncPolicy,
                             int maxWriteBytes, int snapshotsRetained, boolean repairDamagedLog) {

    /**
     * Validates every setting.
     *
     * @param segmentBytes a segment is rolled before an append that would take it past this size (a segment holds whole append batches, so one oversized batch makes one oversized segment)
     * @param cacheEntries the most recent entries kept in memory, at most
     * @param cacheBytes payload bytes of the cached entries, at most (entries not yet written are kept whatever the limits)
     * @param syncPolicy when data is forced to the disk
     * @param maxWriteBytes the largest write the writer issues before a force; it also bounds what open() accepts as a torn tail, so lowering it between runs can turn a torn tail into a refusal to start (never into silent loss)
     * @param snapshotsRetained committed snapshots kept, newest first; at least 1
     * @param repairDamagedLog whether open() repairs a damaged log from the leader instead of refusing to start
     * @throws IllegalArgumentException naming the invalid setting
     */
    public StorageOptions {
        if (segmentBytes < 1024) throw new IllegalArgumentException("segmentBytes must be >= 1024: " + segmentBytes);
        if (cacheEntries < 0 || cacheBytes < 0) throw new IllegalArgumentException("cache limits must be >= 0");
        if (syncPolicy == null) throw new NullPointerException("syncPolicy");
        if (maxWriteBytes < 4096) throw new IllegalArgumentException("maxWriteBytes must be >= 4096: " + maxWriteBytes);
        if (snapshotsRetained < 1) throw new IllegalArgumentException("snapshotsRetained must be >= 1: " + snapshotsRetained);
    }

    /**
     * 64 MiB segments, 8192 cached entries up to 32 MiB, fsync on, 1 MiB writes, 2 snapshots kept,
     * a damaged log refused.
     *
     * @return the default settings
     */
    public static StorageOptions defaults() {
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
        return new Builder().segmentBytes(segmentBytes).cacheEntries(cacheEntries).cacheBytes(cacheBytes)
                .syncPolicy(syncPolicy).maxWriteBytes(maxWriteBytes).snapshotsRetained(snapshotsRetained)
                .repairDamagedLog(repairDamagedLog);
    }

    /** Builds {@link StorageOptions}; every setting starts at its default. */
    public static final class Builder {
        private long segmentBytes = 64L << 20;
        private int cacheEntries = 8192;
        private long cacheBytes = 32L << 20;
        private SyncPolicy syncPolicy = SyncPolicy.FSYNC;
        private int maxWriteBytes = 1 << 20;
        private int snapshotsRetained = 2;
        private boolean repairDamagedLog;

        private Builder() {
        }

        /**
         * Sets {@code segmentBytes}.
         *
         * @param value see {@link StorageOptions#segmentBytes()}
         * @return this builder
         */
        public Builder segmentBytes(long value) {
            segmentBytes = value;
            return this;
        }

        /**
         * Sets {@code cacheEntries}.
         *
         * @param value see {@link StorageOptions#cacheEntries()}
         * @return this builder
         */
        public Builder cacheEntries(int value) {
            cacheEntries = value;
            return this;
        }

        /**
         * Sets {@code cacheBytes}.
         *
         * @param value see {@link StorageOptions#cacheBytes()}
         * @return this builder
         */
        public Builder cacheBytes(long value) {
            cacheBytes = value;
            return this;
        }

        /**
         * Sets {@code syncPolicy}.
         *
         * @param value see {@link StorageOptions#syncPolicy()}
         * @return this builder
         */
        public Builder syncPolicy(SyncPolicy value) {
            syncPolicy = value;
            return this;
        }

        /**
         * Sets {@code maxWriteBytes}.
         *
         * @param value see {@link StorageOptions#maxWriteBytes()}
         * @return this builder
         */
        public Builder maxWriteBytes(int value) {
            maxWriteBytes = value;
            return this;
        }

        /**
         * Sets {@code snapshotsRetained}.
         *
         * @param value see {@link StorageOptions#snapshotsRetained()}
         * @return this builder
         */
        public Builder snapshotsRetained(int value) {
            snapshotsRetained = value;
            return this;
        }

        /**
         * Sets {@code repairDamagedLog}.
         *
         * @param value see {@link StorageOptions#repairDamagedLog()}
         * @return this builder
         */
        public Builder repairDamagedLog(boolean value) {
            repairDamagedLog = value;
            return this;
        }

        /**
         * Validates and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException naming the invalid setting
         */
        public StorageOptions build() {
            return new StorageOptions(segmentBytes, cacheEntries, cacheBytes, syncPolicy, maxWriteBytes, snapshotsRetained, repairDamagedLog);
        }
    }
}
