package dev.floe.raft;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a host keeps each of its Raft groups' durable state (multi-Raft): opens the stores of one
 * group when the host starts the group. {@code raft-storage}'s {@code FileGroupStorage} keeps every
 * group in its own directory under one root; tests use in-memory stores.
 */
@FunctionalInterface
public interface GroupStorage {

    /**
     * Opens (or creates) the stores of {@code group}. The group's server owns and closes them.
     *
     * @param group the group
     * @return its stores
     * @throws IOException if they cannot be opened
     */
    Stores open(GroupId group) throws IOException;

    /**
     * One group's stores.
     *
     * @param log       its log
     * @param hardState its term and vote
     * @param snapshots its snapshot store, or empty (the group then never snapshots)
     * @param owner     closed after the stores when the group's server closes (a directory lock, say), or empty
     */
    record Stores(LogStorage log, HardStateStore hardState, Optional<SnapshotStore> snapshots,
                  Optional<AutoCloseable> owner) {
        /**
         * Refuses nulls.
         *
         * @param log       its log
         * @param hardState its term and vote
         * @param snapshots its snapshot store, or empty
         * @param owner     closed after the stores, or empty
         */
        public Stores {
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(hardState, "hardState");
            Objects.requireNonNull(snapshots, "snapshots");
            Objects.requireNonNull(owner, "owner");
        }
    }
}
