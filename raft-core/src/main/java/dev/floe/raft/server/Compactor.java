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
 * Log compaction (Raft paper §7) off the consensus thread. A compaction deletes files and syncs a
 * directory, which may take long; the consensus thread must keep ticking and sending heartbeats
 * meanwhile. So compaction has two steps:
 * <ol>
 *   <li>logical, on the consensus thread between two core calls: the core's view of the log
 *       ({@link #view()}) starts after the compacted prefix at once, so the core never reads an
 *       entry that is about to go, and never sees the log shrink in the middle of a call;</li>
 *   <li>physical, on this compactor's own thread ({@code floe-<id>-compact}):
 *       {@link LogStorage#compact}, in request order. Until it is done the storage still holds the
 *       entries the view hides, so the view's reads always succeed.</li>
 * </ol>
 * The request's future completes once the physical step has returned (or failed: compaction only
 * frees space, and a longer log is still correct).
 */
final class Compactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final NodeId id;
    private final LogStorage log;
    private final View view;
    private final SerialExecutor thread;
    private final long shutdownMillis;

    Compactor(NodeId id, LogStorage log, long shutdownMillis, Scheduler scheduler) {
        this.id = id;
        this.log = log;
        this.view = new View(log);
        this.shutdownMillis = shutdownMillis;
        this.thread = new SerialExecutor(scheduler, "floe-" + id.value() + "-compact");
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
        thread.execute(() -> {
            try {
                log.compact(upTo);
                LOG.info("{} [term {}] compacted its log up to {} (snapshot at {})", id, term, upTo, snapshotIndex);
            } catch (Exception e) {
                LOG.warn("{} [term {}] could not compact its log up to {}: {}", id, term, upTo, e.toString());
            } finally {
                done.complete(snapshotIndex);
            }
        });
    }

    /** Waits (bounded) for the compactions already asked for; call before the log is closed. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(shutdownMillis)) {
                LOG.warn("{}: log compaction did not finish within {} ms", id, shutdownMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
