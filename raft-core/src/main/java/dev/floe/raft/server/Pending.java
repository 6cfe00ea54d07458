package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import java.util.concurrent.CompletableFuture;

/**
 * A request from {@code submit} or {@code read} that has not been answered: its future, and the
 * {@link Clock#nanoTime()} deadline after which it fails. Its future is completed exactly once,
 * by whichever of apply, rejection, timeout or shutdown comes first.
 */
abstract sealed class Pending permits PendingWrite, PendingRead {
    final CompletableFuture<Bytes> future = new CompletableFuture<>();
    final long deadlineNanos;
    /**
     * Set by the consensus thread when it gives up on the request (its failure is completed later,
     * on another thread): from then on the consensus thread must not act on it, or a command
     * reported "not proposed" could still be proposed. Consensus thread only.
     */
    boolean abandoned;

    Pending(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    boolean expiredAt(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    /** Whether the request is answered. Any thread. */
    boolean isDone() {
        return future.isDone();
    }

    /** Whether the consensus thread should leave the request alone. Consensus thread only. */
    boolean settled() {
        return abandoned || future.isDone();
    }
}
