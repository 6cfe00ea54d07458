package dev.floe.raft.testkit;

import dev.floe.raft.Entry;
import dev.floe.raft.LogReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of a simulated log at one level of the disk (the page cache or the platter): entries
 * after a snapshot point, with the operations the runtime performs on a log (append with
 * truncation, compaction, reset). Single-threaded, like the whole simulation.
 */
final class LogImage implements LogReader {
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long snapshotIndex;
    private long snapshotTerm;

    LogImage() {
    }

    /** A copy of {@code other}. */
    LogImage(LogImage other) {
        snapshotIndex = other.snapshotIndex;
        snapshotTerm = other.snapshotTerm;
        entries.addAll(other.entries);
    }

    @Override
    public long firstIndex() {
        return snapshotIndex + 1;
    }

    @Override
    public long lastIndex() {
        return snapshotIndex + entries.size();
    }

    @Override
    public long term(long index) {
        if (index == snapshotIndex) return snapshotTerm;
        if (index < firstIndex() || index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " outside [" + snapshotIndex + ", " + lastIndex() + "]");
        }
        return entries.get((int) (index - snapshotIndex - 1)).term();
    }

    @Override
    public List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
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

    /** Appends consecutive entries, replacing those at and after the first one's index (LogStorage#append). */
    void append(List<Entry> batch) {
        if (batch.isEmpty()) return;
        long first = batch.get(0).index();
        if (first < firstIndex() || first > lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + first + " outside [" + firstIndex() + ", " + (lastIndex() + 1) + "]");
        }
        int keep = (int) (first - snapshotIndex - 1);
        if (keep < entries.size()) entries.subList(keep, entries.size()).clear();
        long expected = first;
        for (Entry e : batch) {
            if (e.index() != expected++) throw new IllegalArgumentException("entries are not consecutive at " + e);
            entries.add(e);
        }
    }

    /** Drops entries up to {@code index}, which stays answerable by {@link #term} (LogStorage#compact). */
    void compact(long index) {
        if (index <= snapshotIndex || index > lastIndex()) return;
        long term = term(index);
        entries.subList(0, (int) (index - snapshotIndex)).clear();
        snapshotIndex = index;
        snapshotTerm = term;
    }

    /** Drops the entries after {@code index} (at least the snapshot index): a tail the disk lost. */
    void truncateAfter(long index) {
        long keep = Math.max(0, index - snapshotIndex);
        if (keep < entries.size()) entries.subList((int) keep, entries.size()).clear();
    }

    /** Restarts the log after a snapshot (LogStorage#reset). */
    void reset(long index, long term) {
        entries.clear();
        snapshotIndex = index;
        snapshotTerm = term;
    }
}
