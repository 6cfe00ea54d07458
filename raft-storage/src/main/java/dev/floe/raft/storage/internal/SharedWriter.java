package dev.floe.raft.storage.internal;

import dev.floe.raft.storage.GroupCommitStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host-wide group commit: a few threads that write the logs of many groups, instead of a writer
 * thread per log. A writer thread takes every log with queued appends (up to {@link #MAX_ROUND} of
 * them) and writes each log's appends into its segment file (page cache only); then the round's
 * forces are issued <em>concurrently</em> by a small pool of force threads, and each log's appends
 * complete as soon as its own file is forced.
 *
 * <p>Why concurrently: fsync is per file, so a round of N logs needs N forces, and Floe never skips
 * one. Issued one after the other, each force waits for its own journal commit (ext4: a few ms
 * each, so a few hundred files per second whatever the size of the writes). Issued at once, they
 * wait for the same commit: ext4's journal (jbd2) makes every fsync that arrives while a transaction
 * is open part of that transaction, so one journal commit (one cache flush) makes all of them
 * durable (docs/multi-raft.md, storage, has the measurements).
 *
 * <p>A round with one log (a host with one busy group) forces it on the writer thread, as a
 * single-group log's own writer does: no hand-off on that path. While a log is being forced its
 * writer is busy and is not taken by another round; when it ends, it is queued again if appends
 * arrived meanwhile. So per log nothing changes: submission order, the torn-tail bound (only a
 * log's last, unforced chunk can tear), failure handling (a failed log fails alone).
 */
public final class SharedWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedWriter.class);
    /** The most logs one round takes: bounds how long the first log's appends wait for the round's writes. */
    static final int MAX_ROUND = 256;

    private final LinkedBlockingQueue<AppendWriter> ready = new LinkedBlockingQueue<>();
    private final Thread[] threads;
    private final ExecutorService forcers;
    private final LongAdder rounds = new LongAdder();
    private final LongAdder logsWritten = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder forces = new LongAdder();
    private final LongAdder entries = new LongAdder();
    private final LongAdder forceNanos = new LongAdder();
    private volatile boolean closed;

    /**
     * Starts {@code threads} writer threads named {@code name-0}, ... and a pool of up to
     * {@code forceThreads} force threads named {@code name-force-0}, ... (started when first needed).
     *
     * @param name         the threads' name prefix
     * @param threads      how many rounds may be written at once, at least 1
     * @param forceThreads how many files may be forced at once, at least 1
     */
    public SharedWriter(String name, int threads, int forceThreads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
        if (forceThreads < 1) throw new IllegalArgumentException("forceThreads must be at least 1: " + forceThreads);
        AtomicInteger forceThreadNumber = new AtomicInteger();
        this.forcers = new ThreadPoolExecutor(forceThreads, forceThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-force-" + forceThreadNumber.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        this.threads = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::run, name + "-" + i);
            t.setDaemon(true);
            this.threads[i] = t;
            t.start();
        }
    }

    /** A writer has appends queued (and is not queued already). */
    void ready(AppendWriter writer) {
        ready.add(writer);
    }

    /** Counts one positional write of {@code entryCount} entries (any log of this writer). */
    void wrote(long entryCount) {
        writes.increment();
        entries.add(entryCount);
    }

    /** Counts one force that took {@code nanos}. */
    void forced(long nanos) {
        forces.increment();
        forceNanos.add(nanos);
    }

    /** {@return the counters since the writer started, summed over every log it wrote} */
    public GroupCommitStats stats() {
        return new GroupCommitStats(rounds.sum(), logsWritten.sum(), writes.sum(), forces.sum(), entries.sum(), forceNanos.sum());
    }

    private void run() {
        List<AppendWriter> round = new ArrayList<>();
        List<AppendWriter> begun = new ArrayList<>();
        while (!closed) {
            try {
                AppendWriter first = ready.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                round.add(first);
            } catch (InterruptedException e) {
                continue; // closing: the loop condition decides
            }
            ready.drainTo(round, MAX_ROUND - 1);
            for (AppendWriter w : round) {
                try {
                    if (w.beginRound()) begun.add(w);
                } catch (RuntimeException e) {
                    LOG.error("a log's round failed to start", e);
                }
            }
            rounds.increment();
            logsWritten.add(begun.size());
            if (begun.size() == 1) {
                finishRound(begun.get(0));
            } else {
                // Every force of the round is issued at once, so the file system commits them together.
                for (AppendWriter w : begun) forcers.execute(() -> finishRound(w));
            }
            round.clear();
            begun.clear();
        }
    }

    private static void finishRound(AppendWriter w) {
        w.syncRound();
        w.endRound();
    }

    /** Stops the threads once their rounds end (forces in progress included); close the logs first. */
    @Override
    public void close() {
        // No interrupt: a thread interrupted inside a FileChannel call would close that log's file.
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        forcers.shutdown();
        try {
            if (!forcers.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("the log force threads did not stop within 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
