package dev.floe.raft.server;

import dev.floe.raft.Entry;
import dev.floe.raft.LogReader;
import dev.floe.raft.LogStorage;
import dev.floe.raft.NodeId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction (Raft paper §7) between two core calls: the core's view of the log ({@link #view()})
 * starts after the compacted prefix, and {@link LogStorage#compact} deletes the files.
 *
 * <p>The physical step runs on the consensus thread for now. It ran on an activity of its own
 * ({@code floe-<id>-compact}) so that a slow delete could not delay heartbeats, but the full-runtime
 * simulation (raft-testkit, seeds 309 and 849 of the CI range) then stopped followers with "cannot
 * restore the installed snapshot": a compaction that lands after later log changes races with
 * snapshot installation. Until that race is understood and fixed, compaction stays ordered with
 * everything else the consensus thread does (docs/operations.md, "Storage faults and recovery").
 */
final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final NodeId id;
    private final LogStorage log;
    private final View view;
    Compactor(NodeId id, LogStorage log) {
        this.id = id;
        this.log = log;
        this.view = new View(log);
    }

    /** The log as the core must see it: without the prefix whose compaction was decided. */
    LogReader view() {
        return view;
    }

    /**
     * Consensus thread: compacts the log up to {@code upTo} (the snapshot at {@code snapshotIndex}
     * covers it), then completes {@code done} with {@code snapshotIndex}.
     */
    void compact(long upTo, long snapshotIndex, long term, CompletableFuture<Long> done) {
        if (upTo < view.firstIndex() || upTo > log.lastIndex()) {
            done.complete(snapshotIndex);
            return;
        }
        view.floor = upTo + 1;
        try {
            log.compact(upTo);
            LOG.info("{} [term {}] compacted its log up to {} (snapshot at {})", id, term, upTo, snapshotIndex);
        } catch (Exception e) {
            // Compaction only frees space; a failure leaves a longer log, which is still correct.
            LOG.warn("{} [term {}] could not compact its log up to {}: {}", id, term, upTo, e.toString());
        } finally {
            done.complete(snapshotIndex);
        }
    }

    /**
     * The storage seen from the consensus thread: it starts at {@code floor} at the earliest. Only
     * the consensus thread reads it and moves the floor; the storage's own first index overtakes
     * the floor only through {@link LogStorage#reset} (an installed snapshot), which the core
     * already reflects.
     */
    private static final class View implements LogReader {
        private final LogStorage log;
        private long floor = 1;

        View(LogStorage log) {
            this.log = log;
        }

        @Override
        public long firstIndex() {
            return Math.max(floor, log.firstIndex());
        }

        @Override
        public long lastIndex() {
            return log.lastIndex();
        }

        @Override
        public long term(long index) {
            return log.term(index);
        }

        @Override
        public List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
            return log.entries(fromIndex, toIndex, maxBytes);
        }
    }
}
