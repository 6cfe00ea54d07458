package dev.floe.raft.server;

import dev.floe.raft.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A log whose durability the test controls: while {@link #hold() held}, appends are visible but
 * their futures stay incomplete (the fsync has not returned) until {@link #release()}, which
 * completes them in order.
 */
final class GatedLogStorage extends ForwardingLogStorage {
    private List<CompletableFuture<Void>> held = new ArrayList<>();
    private boolean holding;
    private long lastAppended;

    synchronized void hold() {
        holding = true;
    }

    void release() {
        List<CompletableFuture<Void>> pending;
        synchronized (this) {
            holding = false;
            pending = held;
            held = new ArrayList<>();
        }
        pending.forEach(f -> f.complete(null));
    }

    /** The last index handed to {@link #append}, durable or not. */
    synchronized long lastAppended() {
        return lastAppended;
    }

    @Override
    public synchronized CompletableFuture<Void> append(List<Entry> entries) {
        log.append(entries);
        if (!entries.isEmpty()) lastAppended = entries.get(entries.size() - 1).index();
        if (!holding) return CompletableFuture.completedFuture(null);
        CompletableFuture<Void> f = new CompletableFuture<>();
        held.add(f);
        return f;
    }

    @Override
    public void close() {
        release();
    }
}
