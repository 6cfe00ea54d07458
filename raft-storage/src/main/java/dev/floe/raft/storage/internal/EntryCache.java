package dev.floe.raft.storage.internal;

import dev.floe.raft.Entry;

/**
 * The most recent entries of the log, always a suffix {@code [firstIndex(), lastIndex]} of it, in a
 * ring buffer. Holds the caller's {@link Entry} objects (immutable, so no copy). Entries not yet
 * written to their segment live only here, so {@link #evict} never drops an entry above the index
 * it is told is written, whatever the limits. Not thread-safe.
 */
public final class EntryCache {
    private Entry[] ring = new Entry[64];
    private int head;
    private int size;
    private long first = 1;
    private long bytes;

    /** First cached index; {@code lastIndex + 1} when empty. */
    public long firstIndex() {
        return first;
    }

    public int size() {
        return size;
    }

    /** Empties the cache; the next added entry must have {@code nextIndex}. */
    public void clear(long nextIndex) {
        java.util.Arrays.fill(ring, null);
        head = 0;
        size = 0;
        bytes = 0;
        first = nextIndex;
    }

    /** Adds the entry following the last cached one. */
    public void add(Entry entry) {
        if (entry.index() != first + size) throw new IllegalArgumentException("cache expects index " + (first + size) + ", got " + entry.index());
        if (size == ring.length) grow();
        ring[(head + size) & (ring.length - 1)] = entry;
        size++;
        bytes += entry.data().size();
    }

    /** The cached entry at {@code index}, or null if it is not cached. */
    public Entry get(long index) {
        long rel = index - first;
        if (rel < 0 || rel >= size) return null;
        return ring[(int) ((head + rel) & (ring.length - 1))];
    }

    /** Drops {@code index} and everything after it. */
    public void truncateFrom(long index) {
        if (index <= first) {
            clear(index);
            return;
        }
        while (first + size > index) {
            int slot = (head + size - 1) & (ring.length - 1);
            bytes -= ring[slot].data().size();
            ring[slot] = null;
            size--;
        }
    }

    /** Drops everything before {@code index}. */
    public void dropBefore(long index) {
        while (size > 0 && first < index) popFront();
        if (size == 0 && first < index) first = index;
    }

    /** Drops the oldest entries at or below {@code writtenIndex} while over either limit. */
    public void evict(long writtenIndex, int maxEntries, long maxBytes) {
        while (size > 0 && first <= writtenIndex && (size > maxEntries || bytes > maxBytes)) popFront();
    }

    private void popFront() {
        bytes -= ring[head].data().size();
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        first++;
    }

    private void grow() {
        Entry[] bigger = new Entry[ring.length * 2];
        for (int i = 0; i < size; i++) bigger[i] = ring[(head + i) & (ring.length - 1)];
        ring = bigger;
        head = 0;
    }
}
