package dev.floe.raft.server;

import dev.floe.raft.Entry;
import dev.floe.raft.LogReader;
import dev.floe.raft.NodeId;
import dev.floe.raft.core.LogRead;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The log-reader activity ({@code floe-<id>-log-read}, on the disk scheduler): reads the durable
 * entries the core asked for in {@code Ready.logReads()} — a follower far behind, committed entries
 * to apply that the storage no longer caches — and posts them back to the consensus thread, which
 * never waits for the disk (etcd's and TiKV's asynchronous log fetch). A slow or stalled read delays
 * only the follower or the applying that waits for it; ticks and heartbeats go on.
 */
final class LogReads {
    private final LogReader log;
    private final Consumer<Input> consensus;
    private final BiConsumer<String, Throwable> fatal;
    private final SerialExecutor activity;

    LogReads(NodeId id, LogReader log, Consumer<Input> consensus, BiConsumer<String, Throwable> fatal, Scheduler disk) {
        this.log = log;
        this.consensus = consensus;
        this.fatal = fatal;
        this.activity = new SerialExecutor(disk, "floe-" + id.value() + "-log-read");
    }

    /** Consensus thread: reads {@code read} soon, off this thread. Dropped once the server closes. */
    void submit(LogRead read) {
        try {
            activity.execute(() -> read(read));
        } catch (RejectedExecutionException e) {
            // Closing: nobody will take the answer.
        }
    }

    private void read(LogRead read) {
        List<Entry> entries;
        try {
            entries = entriesOf(read);
        } catch (RuntimeException e) {
            // A record that fails its checksum, an I/O error: the same as a failed read on the consensus thread.
            fatal.accept("the log could not be read at " + read.from(), e);
            return;
        }
        consensus.accept(new Input.EntriesRead(read, entries));
    }

    /**
     * The entries, or none when the log moved on since the core asked: compacted past {@code from}
     * (the core already treats those as gone, and sends a snapshot instead), or reset to a snapshot
     * (the core drops the answer by its epoch). Compaction and resets run on other activities, so
     * the bounds are checked again when a read falls outside them.
     */
    private List<Entry> entriesOf(LogRead read) {
        try {
            if (movedOn(read)) return List.of();
            return log.entries(read.from(), Math.min(read.to(), log.lastIndex() + 1), read.maxBytes());
        } catch (IndexOutOfBoundsException e) {
            if (movedOn(read)) return List.of();
            throw e;
        }
    }

    private boolean movedOn(LogRead read) {
        return read.from() < log.firstIndex() || read.from() > log.lastIndex();
    }

    /** Stops taking reads and waits (bounded) for the one running; before the log closes. */
    boolean close(long timeoutMillis) throws InterruptedException {
        activity.shutdown();
        return activity.awaitTermination(timeoutMillis);
    }
}
