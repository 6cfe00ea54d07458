package dev.floe.raft.storage.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host-wide group commit: a few threads that write the logs of many groups, instead of a writer
 * thread per log. A thread takes every log with queued appends (up to {@link #MAX_ROUND} of them),
 * writes each log's appends, then forces the written files one after the other, then completes the
 * appends' futures. fsync is per file, so a round of N logs costs N forces; but they are issued back
 * to back after all the writes, so the file system can commit them together (on ext4 one journal
 * commit carries every file's size change, and in its default {@code data=ordered} mode flushes all
 * their data first, so the later forces of a round find little left to do). What a round does not
 * change: each log's own order, its torn-tail bound, its failures.
 */
public final class SharedWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedWriter.class);
    /** The most logs one round takes: bounds how long the first log's appends wait for the round's forces. */
    static final int MAX_ROUND = 256;

    private final LinkedBlockingQueue<AppendWriter> ready = new LinkedBlockingQueue<>();
    private final Thread[] threads;
    private volatile boolean closed;

    /**
     * Starts {@code threads} writer threads named {@code name-0}, ...
     *
     * @param name    the threads' name prefix
     * @param threads how many rounds may run at once, at least 1
     */
    public SharedWriter(String name, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
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

    private void run() {
        List<AppendWriter> round = new ArrayList<>();
        while (!closed) {
            try {
                AppendWriter first = ready.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                round.add(first);
            } catch (InterruptedException e) {
                continue; // closing: the loop condition decides
            }
            ready.drainTo(round, MAX_ROUND - 1);
            List<AppendWriter> begun = new ArrayList<>(round.size());
            for (AppendWriter w : round) {
                try {
                    if (w.beginRound()) begun.add(w);
                } catch (RuntimeException e) {
                    LOG.error("a log's round failed to start", e);
                }
            }
            for (AppendWriter w : begun) w.syncRound();
            for (AppendWriter w : begun) w.endRound();
            round.clear();
        }
    }

    /** Stops the threads once their rounds end; close the logs first. */
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
    }
}
