package dev.floe.raft.storage.internal;

import dev.floe.raft.storage.GroupCommitStats;
import java.io.IOException;
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
 * A host-wide group commit through one journal: a few threads that write the logs of many groups,
 * instead of a writer thread per log, with one force per round for all of them. A writer thread
 * takes every log with queued appends (up to {@link #MAX_ROUND} of them), encodes each log's appends
 * as records of the host's {@link Journal} into one buffer, writes and forces the journal once, then
 * copies each log's records into its segment file (page cache only) and completes the futures.
 * A checkpoint thread forces the segment files in the background ({@link Journal#checkpoint}) so the
 * journal can be deleted, issuing those forces concurrently from a pool of force threads (ext4's
 * jbd2 joins fsyncs that arrive together into one journal commit: docs/multi-raft.md, storage).
 *
 * <p>While a log's round is in progress its writer is busy and is not taken by another round; when
 * it ends, it is queued again if appends arrived meanwhile. So per log nothing changes: submission
 * order, failure handling. A failed journal write fails every log of the round, and the journal
 * refuses every later one: the host must stop, as after any fatal storage error.
 */
public final class SharedWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedWriter.class);
    /** The most logs one round takes: bounds how long the first log's appends wait for the round's writes. */
    static final int MAX_ROUND = 256;

    private final LinkedBlockingQueue<AppendWriter> ready = new LinkedBlockingQueue<>();
    private final Journal journal;
    private final Thread[] threads;
    private final Thread checkpointer;
    private final ExecutorService forcers;
    private final LongAdder rounds = new LongAdder();
    private final LongAdder logsWritten = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder entries = new LongAdder();
    private volatile boolean closed;

    /**
     * Starts {@code threads} writer threads named {@code name-0}, ... and a pool of up to
     * {@code forceThreads} force threads named {@code name-force-0}, ..., and a checkpoint thread
     * {@code name-checkpoint}, writing through {@code journal} (which {@link #close()} closes).
     *
     * @param name         the threads' name prefix
     * @param threads      how many rounds may be encoded at once (their journal writes take turns), at least 1
     * @param forceThreads how many files a checkpoint may force at once, at least 1
     * @param journal      the host's journal
     */
    public SharedWriter(String name, int threads, int forceThreads, Journal journal) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
        if (forceThreads < 1) throw new IllegalArgumentException("forceThreads must be at least 1: " + forceThreads);
        this.journal = journal;
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
        this.checkpointer = new Thread(this::checkpoints, name + "-checkpoint");
        checkpointer.setDaemon(true);
        checkpointer.start();
    }

    /** {@return the journal every round goes through} */
    public Journal journal() {
        return journal;
    }

    /** Runs a checkpoint now (see {@link Journal#checkpoint}), with this writer's force threads. */
    public void checkpoint() throws IOException {
        journal.checkpoint(forcers);
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

    /** {@return the counters since the writer started, summed over every log it wrote; forces: the journal's and the checkpoints'} */
    public GroupCommitStats stats() {
        return new GroupCommitStats(rounds.sum(), logsWritten.sum(), writes.sum(), journal.forces() + journal.checkpointForces(),
                entries.sum(), journal.forceNanos());
    }

    private void run() {
        List<AppendWriter> round = new ArrayList<>();
        List<AppendWriter> begun = new ArrayList<>();
        RoundBuffer buffer = new RoundBuffer();
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
                    if (w.takeRound()) begun.add(w);
                } catch (RuntimeException e) {
                    LOG.error("a log's round failed to start", e);
                }
            }
            rounds.increment();
            logsWritten.add(begun.size());
            runRound(begun, buffer);
            round.clear();
            begun.clear();
        }
    }

    // The journal first, forced; then the segments; the futures last, outside the round lock.
    private void runRound(List<AppendWriter> begun, RoundBuffer buffer) {
        buffer.clear();
        try {
            for (AppendWriter w : begun) w.encodeRound(buffer);
            journal.lockRound();
            try {
                if (buffer.records() > 0) journal.write(buffer.buffer(), buffer.recordEnds(), buffer.records());
                for (AppendWriter w : begun) w.writeRound(buffer.buffer(), journal);
            } finally {
                journal.unlockRound();
            }
        } catch (IOException | RuntimeException e) {
            IOException cause = e instanceof IOException io ? io : new IOException("round failed", e);
            for (AppendWriter w : begun) w.failRound(cause);
        }
        for (AppendWriter w : begun) {
            try {
                w.endRound();
            } catch (RuntimeException e) {
                LOG.error("a log's round failed to end", e);
            }
        }
    }

    private void checkpoints() {
        while (!closed) {
            try {
                Thread.sleep(CHECKPOINT_POLL_MILLIS);
                if (journal.checkpointDue()) journal.checkpoint(forcers);
            } catch (InterruptedException e) {
                // closing: the loop condition decides
            } catch (IOException | RuntimeException e) {
                LOG.error("checkpoint failed; the journal refuses further writes", e);
            }
        }
    }

    private static final long CHECKPOINT_POLL_MILLIS = 50;

    /**
     * Stops the threads once their rounds end, runs a last checkpoint (so a clean restart replays
     * nothing) and closes the journal; close the logs first.
     */
    @Override
    public void close() {
        // No interrupt: a thread interrupted inside a FileChannel call would close that log's file.
        closed = true;
        for (Thread t : threads) join(t);
        join(checkpointer);
        try {
            if (!journal.failed()) journal.finalCheckpoint(forcers);
        } catch (IOException | RuntimeException e) {
            LOG.error("the last checkpoint failed; the journal is kept and replayed on the next start", e);
        }
        forcers.shutdown();
        try {
            if (!forcers.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("the log force threads did not stop within 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("closing the journal failed", e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
