package dev.floe.raft.server;

/**
 * The time a {@link RaftServer} runs on: every deadline, tick and lease of the runtime is measured
 * with {@link #nanoTime()}, and the leader stamps client sessions with {@link #currentTimeMillis()}.
 * Part of the runtime SPI (with {@link Scheduler}): production uses {@link #system()}; a simulator
 * passes simulated time to {@link RaftServer.Builder#runtime}.
 */
public interface Clock {

    /**
     * Monotonic nanoseconds, as {@link System#nanoTime()}: only differences mean anything.
     *
     * @return the current reading
     */
    long nanoTime();

    /**
     * Wall-clock milliseconds since the epoch, as {@link System#currentTimeMillis()}.
     *
     * @return the current time
     */
    long currentTimeMillis();

    /** {@return the machine's clocks} */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
