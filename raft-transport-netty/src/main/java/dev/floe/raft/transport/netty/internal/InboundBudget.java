package dev.floe.raft.transport.netty.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that incomplete inbound frames may hold across all connections of one port: a
 * {@link FrameDecoder} reserves a frame's announced length before buffering it and returns it once
 * the frame is complete or the connection closes. Thread-safe, lock-free.
 */
public final class InboundBudget {
    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    public InboundBudget(long limit) {
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when they do not fit. */
    boolean tryReserve(long bytes) {
        long now;
        do {
            now = reserved.get();
            if (now + bytes > limit) return false;
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** Bytes reserved right now. */
    public long reserved() {
        return reserved.get();
    }
}
