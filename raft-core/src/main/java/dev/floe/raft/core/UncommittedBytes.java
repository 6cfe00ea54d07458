package dev.floe.raft.core;

/**
 * Bytes the leader appended in its term that are not yet committed: the measure behind proposal
 * backpressure. A ring of (index, size) in index order; committing drops from the front.
 */
final class UncommittedBytes {
    private long[] indexes = new long[64];
    private long[] sizes = new long[64];
    private int start;
    private int count;
    private long total;

    void add(long index, long size) {
        if (count == indexes.length) grow();
        int slot = (start + count) % indexes.length;
        indexes[slot] = index;
        sizes[slot] = size;
        count++;
        total += size;
    }

    void commitTo(long index) {
        while (count > 0 && indexes[start] <= index) {
            total -= sizes[start];
            start = (start + 1) % indexes.length;
            count--;
        }
    }

    long total() {
        return total;
    }

    private void grow() {
        long[] newIndexes = new long[indexes.length * 2];
        long[] newSizes = new long[sizes.length * 2];
        for (int i = 0; i < count; i++) {
            newIndexes[i] = indexes[(start + i) % indexes.length];
            newSizes[i] = sizes[(start + i) % sizes.length];
        }
        indexes = newIndexes;
        sizes = newSizes;
        start = 0;
    }
}
