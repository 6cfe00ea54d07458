package dev.floe.raft.server;

import dev.floe.raft.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One snapshot transfer's progress, reported by the thread that moves its bytes: to the listeners
 * as {@link RaftEvent.SnapshotTransfer} and to the log, when it starts, every
 * {@link EventReporter#PROGRESS_LOG_NANOS} while it runs, and when it ends. {@link #progress} is
 * called per chunk and costs a clock read until a report is due. One thread at a time.
 */
final class SnapshotProgress {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotProgress.class);

    private final EventReporter reporter;
    private final NodeId peer;
    private final RaftEvent.Direction direction;
    private final long index;
    private final long term;
    private final Clock clock;
    private final long startedNanos;
    private long totalBytes;
    private long lastReportNanos;
    private boolean finished;

    SnapshotProgress(EventReporter reporter, NodeId peer, RaftEvent.Direction direction, long index, long term, long totalBytes,
                     Clock clock) {
        this.clock = clock;
        this.startedNanos = clock.nanoTime();
        this.lastReportNanos = startedNanos;
        this.reporter = reporter;
        this.peer = peer;
        this.direction = direction;
        this.index = index;
        this.term = term;
        this.totalBytes = totalBytes;
        reporter.fire(() -> event(0, RaftEvent.TransferState.STARTED, startedNanos));
    }

    /** {@code doneBytes} are acknowledged (sending) or stored (receiving). */
    void progress(long doneBytes) {
        long now = clock.nanoTime();
        if (now - lastReportNanos < EventReporter.PROGRESS_LOG_NANOS) return;
        lastReportNanos = now;
        LOG.info("{} [term {}] snapshot {} {} {}: {} of {} bytes{} after {} s", reporter.member(), term, index,
                direction == RaftEvent.Direction.SENDING ? "to" : "from", peer, doneBytes,
                totalBytes < 0 ? "?" : totalBytes, percent(doneBytes), (now - startedNanos) / 1_000_000_000);
        reporter.fire(() -> event(doneBytes, RaftEvent.TransferState.IN_PROGRESS, now));
    }

    /** The transfer ended; the size is known now on the receiving side. Later calls are ignored. */
    void finished(boolean ok, long doneBytes) {
        if (finished) return;
        finished = true;
        if (totalBytes < 0 && ok) totalBytes = doneBytes;
        long now = clock.nanoTime();
        reporter.fire(() -> event(doneBytes, ok ? RaftEvent.TransferState.DONE : RaftEvent.TransferState.FAILED, now));
    }

    private String percent(long doneBytes) {
        return totalBytes <= 0 ? "" : " (" + (100 * doneBytes / totalBytes) + "%)";
    }

    private RaftEvent event(long doneBytes, RaftEvent.TransferState state, long now) {
        return new RaftEvent.SnapshotTransfer(reporter.member(), peer, direction, index, doneBytes, totalBytes, state,
                now - startedNanos);
    }
}
