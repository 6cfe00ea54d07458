package dev.floe.raft.storage.internal;

import java.util.Arrays;

/**
 * The in-memory index of the log: for each held index, its term and the byte offset of its record
 * inside its segment. Two primitive arrays used as a window {@code [head, head + size)}, so appends,
 * suffix truncation and prefix compaction cost no allocation and no boxing (16 bytes per entry).
 * Not thread-safe.
 */
public final class IndexTable {
    private long first = 1;
    private long[] terms = new long[1024];
    private long[] offsets = new long[1024];
    private int head;
    private int size;

    /** Empties the table; the next added index is {@code firstIndex}. */
    public void reset(long firstIndex) {
        first = firstIndex;
        head = 0;
        size = 0;
    }

    public long firstIndex() {
        return first;
    }

    public long lastIndex() {
        return first + size - 1;
    }

    public void add(long term, long offset) {
        if (head + size == terms.length) grow();
        terms[head + size] = term;
        offsets[head + size] = offset;
        size++;
    }

    public long term(long index) {
        return terms[slot(index)];
    }

    public long offset(long index) {
        return offsets[slot(index)];
    }

    /** Forgets {@code index} and everything after it. */
    public void truncateFrom(long index) {
        if (index < first || index > lastIndex() + 1) throw new IndexOutOfBoundsException(index);
        size = (int) (index - first);
    }

    /** Forgets everything before {@code index}; {@code index} may be {@code lastIndex() + 1}. */
    public void dropBefore(long index) {
        if (index <= first) return;
        if (index > lastIndex() + 1) throw new IndexOutOfBoundsException(index);
        int dropped = (int) (index - first);
        head += dropped;
        size -= dropped;
        first = index;
    }

    private int slot(long index) {
        long rel = index - first;
        if (rel < 0 || rel >= size) throw new IndexOutOfBoundsException("index " + index + " outside [" + first + ", " + lastIndex() + "]");
        return head + (int) rel;
    }

    // Slides the window back to slot 0 when at least half the array is dead space, else doubles it.
    private void grow() {
        if (head >= terms.length / 2) {
            System.arraycopy(terms, head, terms, 0, size);
            System.arraycopy(offsets, head, offsets, 0, size);
        } else {
            int capacity = Math.max(1024, terms.length * 2);
            long[] t = Arrays.copyOfRange(terms, head, head + capacity);
            long[] o = Arrays.copyOfRange(offsets, head, head + capacity);
            terms = t;
            offsets = o;
        }
        head = 0;
    }
}
