package dev.floe.raft.testkit;

import dev.floe.raft.Entry;
import dev.floe.raft.LogStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link LogStorage} in memory: every append is "durable" at once, and everything is lost with
 * the object. For tests and for trying Floe out; thread-safe.
 */
public final class MemoryLogStorage implements LogStorage {
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long snapshotIndex;
    private long snapshotTerm;

    /** An empty log starting at index 1. */
    public MemoryLogStorage() {
    }

    /** A log holding a copy of {@code initial}, whose entries must be consecutive from {@code snapshotIndex + 1}. */
    public MemoryLogStorage(long snapshotIndex, long snapshotTerm, List<Entry> initial) {
        this.snapshotIndex = snapshotIndex;
        this.snapshotTerm = snapshotTerm;
        if (!initial.isEmpty()) append(initial);
    }

    @Override
    public synchronized long firstIndex() {
        return snapshotIndex + 1;
    }

    @Override
    public synchronized long lastIndex() {
        return snapshotIndex + entries.size();
    }

    @Override
    public synchronized long term(long index) {
        if (index == snapshotIndex) return snapshotTerm;
        checkHeld(index);
        return entries.get((int) (index - snapshotIndex - 1)).term();
    }

    @Override
    public synchronized List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
        if (fromIndex < firstIndex() || toIndex > lastIndex() + 1 || fromIndex > toIndex) {
            throw new IndexOutOfBoundsException("entries [" + fromIndex + ", " + toIndex + ") outside [" + firstIndex() + ", " + (lastIndex() + 1) + ")");
        }
        ArrayList<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = fromIndex; i < toIndex; i++) {
            Entry e = entries.get((int) (i - snapshotIndex - 1));
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) break;
            out.add(e);
        }
        return List.copyOf(out);
    }

    /** Everything is in memory: the same as {@link #entries}. */
    @Override
    public List<Entry> cachedEntries(long fromIndex, long toIndex, long maxBytes) {
        return entries(fromIndex, toIndex, maxBytes);
    }

    @Override
    public synchronized CompletableFuture<Void> append(List<Entry> batch) {
        if (batch.isEmpty()) return CompletableFuture.completedFuture(null);
        long first = batch.get(0).index();
        if (first < firstIndex() || first > lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + first + " outside [" + firstIndex() + ", " + (lastIndex() + 1) + "]");
        }
        truncateFrom(first);
        long expected = first;
        for (Entry e : batch) {
            if (e.index() != expected++) throw new IllegalArgumentException("entries are not consecutive at " + e);
            entries.add(e);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void compact(long index) {
        if (index <= snapshotIndex) return;
        if (index > lastIndex()) throw new IllegalArgumentException("compact(" + index + ") beyond last index " + lastIndex());
        long term = term(index);
        entries.subList(0, (int) (index - snapshotIndex)).clear();
        snapshotIndex = index;
        snapshotTerm = term;
    }

    @Override
    public synchronized void reset(long index, long term) {
        entries.clear();
        snapshotIndex = index;
        snapshotTerm = term;
    }

    @Override
    public void close() {
    }

    private void truncateFrom(long index) {
        int keep = (int) (index - snapshotIndex - 1);
        if (keep < entries.size()) entries.subList(keep, entries.size()).clear();
    }

    private void checkHeld(long index) {
        if (index < firstIndex() || index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " outside [" + (firstIndex() - 1) + ", " + lastIndex() + "]");
        }
    }
}
