package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import java.util.concurrent.CompletableFuture;

/**
 * A request from {@code submit} or {@code read} that has not been answered: its future, and the
 * {@link System#nanoTime()} deadline after which it fails. Its future is completed exactly once,
 * by whichever of apply, rejection, timeout or shutdown comes first.
 */
abstract sealed class Pending permits PendingWrite, PendingRead {
    final CompletableFuture<Bytes> future = new CompletableFuture<>();
    final long deadlineNanos;

    Pending(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    boolean expiredAt(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    boolean isDone() {
        return future.isDone();
    }
}
