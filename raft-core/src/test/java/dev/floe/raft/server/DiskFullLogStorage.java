package dev.floe.raft.server;

import dev.floe.raft.Entry;
import dev.floe.raft.LogStorage;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An in-memory log that, once {@link #fill() filled}, fails every append as a full disk does. */
final class DiskFullLogStorage implements LogStorage {
    static final String NO_SPACE = "No space left on device";

    private final MemoryLogStorage log = new MemoryLogStorage();
    private volatile boolean full;

    void fill() {
        full = true;
    }

    @Override
    public CompletableFuture<Void> append(List<Entry> entries) {
        if (full) return CompletableFuture.failedFuture(new IOException(NO_SPACE));
        return log.append(entries);
    }

    @Override
    public long firstIndex() {
        return log.firstIndex();
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public long term(long index) {
        return log.term(index);
    }

    @Override
    public List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
        return log.entries(fromIndex, toIndex, maxBytes);
    }

    @Override
    public void compact(long index) {
        log.compact(index);
    }

    @Override
    public void reset(long snapshotIndex, long snapshotTerm) {
        log.reset(snapshotIndex, snapshotTerm);
    }

    @Override
    public void close() {
    }
}
