package dev.floe.raft.testkit;

/**
 * One linearizable read by a simulated reader. Its {@code lowerBound} is the highest log index
 * whose write or read had completed when this read was invoked: a linearizable read must observe
 * at least that much (real-time order).
 */
final class SimRead {
    final int reader;
    final long invokedAt;
    final long lowerBound;
    /** Identifies the current attempt at a node; a retry gets a new one. */
    long requestId;
    int node = -1;
    long readIndex = -1;

    SimRead(int reader, long invokedAt, long lowerBound) {
        this.reader = reader;
        this.invokedAt = invokedAt;
        this.lowerBound = lowerBound;
    }
}
