package dev.floe.raft.server;

import java.util.SplittableRandom;

/**
 * Where a {@link RaftServer}'s activities run: part of the runtime SPI (with {@link Clock}).
 *
 * <p>The server is a handful of <em>activities</em> — the consensus loop, the persist pipeline, the
 * applier, the callbacks, snapshot transfers — each a {@link Task} that the scheduler runs
 * serially: never two runs of one task at once, and each run sees everything the previous run
 * did. A task runs again when it is {@link Activity#wake() woken} (new input was queued for it) or
 * when the deadline it returned is due. {@link #threads()} gives each activity a thread of its own
 * (production); a simulator runs every activity of every server on one thread in simulated time,
 * which is why the runtime never blocks inside a task on anything another activity must do.
 */
public interface Scheduler {

    /** A task's answer: run again only when woken. */
    long IDLE = Long.MAX_VALUE;
    /** A task's answer: finished; never run again. */
    long DONE = Long.MIN_VALUE;

    /** One serial activity's body. */
    @FunctionalInterface
    interface Task {
        /**
         * Does the work at hand without waiting for other activities, and returns when to run again
         * unless woken earlier: a {@link Clock#nanoTime()} deadline, {@link #IDLE} or {@link #DONE}.
         *
         * @return the deadline of the next run, {@link #IDLE} or {@link #DONE}
         */
        long run();
    }

    /** A started activity. */
    interface Activity {
        /** Makes the task run soon (again). Any thread; cheap when it is already due to run. */
        void wake();

        /**
         * Waits up to {@code timeoutMillis} until the task returned {@link #DONE}; true if it did.
         * A simulator, whose activities cannot finish while their caller waits, returns at once.
         *
         * @param timeoutMillis how long to wait at most
         * @return whether the task is done
         * @throws InterruptedException if the waiting thread is interrupted
         */
        boolean awaitDone(long timeoutMillis) throws InterruptedException;
    }

    /**
     * Starts running {@code task} (its first run comes soon after), named {@code name} (such as
     * {@code floe-n1-consensus}) for threads and logs.
     *
     * @param name the activity's name
     * @param task its body
     * @return the started activity
     */
    Activity start(String name, Task task);

    /** {@return a source of randomness for the timers (election timeouts); a simulator seeds it} */
    SplittableRandom newRandom();

    /**
     * One daemon thread per activity, parked between runs: the production scheduler. Its deadlines
     * are read from {@link Clock#system()}, so it goes with that clock.
     *
     * @return the thread-per-activity scheduler
     */
    static Scheduler threads() {
        return ThreadScheduler.INSTANCE;
    }
}
