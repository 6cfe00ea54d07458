package dev.floe.raft.server;

import dev.floe.raft.Entry;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An in-memory log that, once {@link #fill() filled}, fails every append as a full disk does. */
final class DiskFullLogStorage extends ForwardingLogStorage {
    static final String NO_SPACE = "No space left on device";

    private volatile boolean full;

    void fill() {
        full = true;
    }

    @Override
    public CompletableFuture<Void> append(List<Entry> entries) {
        if (full) return CompletableFuture.failedFuture(new IOException(NO_SPACE));
        return log.append(entries);
    }
}
