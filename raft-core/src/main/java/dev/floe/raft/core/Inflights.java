package dev.floe.raft.core;

/**
 * The AppendRequests sent to one follower and not yet acknowledged, as a ring of (last index,
 * bytes) pairs in send order. Bounded in messages and bytes: this is the pipelining window.
 */
final class Inflights {
    private final long[] lastIndexes;
    private final long[] sizes;
    private final long maxBytes;
    private int start;
    private int count;
    private long bytes;

    Inflights(int maxMessages, long maxBytes) {
        this.lastIndexes = new long[maxMessages];
        this.sizes = new long[maxMessages];
        this.maxBytes = maxBytes;
    }

    /** Records a request carrying entries up to {@code lastIndex}, {@code size} bytes in all. */
    void add(long lastIndex, long size) {
        if (isFull()) throw new IllegalStateException("inflight window is full");
        int slot = (start + count) % lastIndexes.length;
        lastIndexes[slot] = lastIndex;
        sizes[slot] = size;
        count++;
        bytes += size;
    }

    /** Frees every request whose entries are all at or below {@code index} (acknowledged). */
    void freeUpTo(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    /** Frees the oldest request, presumed lost, so a stalled window can move again. */
    void freeFirst() {
        if (count > 0) freeUpTo(lastIndexes[start]);
    }

    boolean isFull() {
        return count == lastIndexes.length || bytes >= maxBytes;
    }

    int count() {
        return count;
    }

    void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
