package dev.floe.raft.server;

import dev.floe.raft.Entry;
import dev.floe.raft.LogStorage;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory log that tests wrap to inject one behaviour (a held fsync, a full disk, a stalled
 * compaction): every call goes to {@link #log} unless the subclass overrides it.
 */
abstract class ForwardingLogStorage implements LogStorage {
    protected final MemoryLogStorage log = new MemoryLogStorage();

    @Override
    public CompletableFuture<Void> append(List<Entry> entries) {
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
    public List<Entry> cachedEntries(long fromIndex, long toIndex, long maxBytes) {
        return log.cachedEntries(fromIndex, toIndex, maxBytes);
    }

    @Override
    public void compact(long index) throws IOException {
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
