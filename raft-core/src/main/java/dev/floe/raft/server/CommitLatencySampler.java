package dev.floe.raft.server;

import java.util.Arrays;

/**
 * Measures a leader's commit latency without touching single entries: once per consensus pass it
 * remembers when the log's last index grew (the pass's append batch), and when the commit index
 * passes a remembered index the time since is one sample (paper §5.3: an entry is committed once
 * a majority stored it). Fixed arrays, no allocation until {@link #drain()}. Consensus thread only.
 */
final class CommitLatencySampler {
    private static final int PENDING = 64;

    private final long[] pendingIndex = new long[PENDING];
    private final long[] pendingNanos = new long[PENDING];
    private int head;
    private int size;
    private long lastSeenIndex;
    private final long[] samples = new long[RaftEvent.MAX_LATENCY_SAMPLES];
    private int sampleCount;

    /** A pass ended with {@code lastIndex} and {@code commitIndex}, at {@code nowNanos}; leaders only. */
    void onPass(long lastIndex, long commitIndex, long nowNanos) {
        if (lastIndex > lastSeenIndex) {
            // When the window is full, newer batches go unsampled until older ones commit: a sample, not a census.
            if (size < PENDING) {
                int tail = (head + size) % PENDING;
                pendingIndex[tail] = lastIndex;
                pendingNanos[tail] = nowNanos;
                size++;
            }
            lastSeenIndex = lastIndex;
        }
        while (size > 0 && pendingIndex[head] <= commitIndex) {
            if (sampleCount < samples.length) samples[sampleCount++] = nowNanos - pendingNanos[head];
            head = (head + 1) % PENDING;
            size--;
        }
    }

    /** Leadership changed: batches appended before may never commit in this term; forget them. */
    void reset(long lastIndex) {
        size = 0;
        head = 0;
        lastSeenIndex = lastIndex;
    }

    /** The samples since the previous call. */
    long[] drain() {
        long[] out = Arrays.copyOf(samples, sampleCount);
        sampleCount = 0;
        return out;
    }
}
