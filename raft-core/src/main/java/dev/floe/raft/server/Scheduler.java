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

    /**
     * A fixed number of daemon threads shared by any number of activities, plus one timer thread
     * for all their deadlines: the scheduler of a {@link RaftHost}, whose many groups must not cost a
     * thread per activity. An activity still runs serially (never two runs at once, each run seeing
     * everything the previous one did), when woken or at its deadline. Runs are taken in FIFO order
     * and an activity that is due again goes to the back of the queue, so a busy activity does not
     * starve the others; but a run that blocks holds one thread for as long as it blocks. Keep
     * activities that block (disk, user code) on a pool of their own, apart from the consensus
     * activities (see {@link RaftServer.Builder#runtime(Scheduler, Scheduler, Scheduler, Clock)}).
     * Deadlines are read from {@link Clock#system()} and rounded up to a multiple of
     * {@code timerSlot}, so that activities due at about the same time run together (many groups'
     * ticks, and so their heartbeats, fall into the same slots and can share frames); a deadline is
     * therefore late by less than one slot.
     *
     * <p>{@link Activity#awaitDone} never interrupts a worker (it may be serving another activity by
     * then); it waits up to its timeout.
     *
     * @param name    the prefix of the threads' names ({@code name-0}, ..., {@code name-timer})
     * @param threads   the number of worker threads, at least 1
     * @param timerSlot the granularity of deadlines, positive (a {@link RaftHost} uses 10 ms, a tenth of the default tick)
     * @return the started pool; {@link Pool#close()} stops its threads
     * @throws IllegalArgumentException if {@code threads} is below 1 or {@code timerSlot} is not positive
     */
    static Pool pool(String name, int threads, java.time.Duration timerSlot) {
        return new PooledScheduler(java.util.Objects.requireNonNull(name, "name"), threads, timerSlot.toNanos());
    }

    /** A {@link #pool} of threads: a scheduler that owns threads, released by {@link #close()}. */
    interface Pool extends Scheduler, AutoCloseable {
        /** {@return the number of worker threads} */
        int threads();

        /**
         * Stops the worker and timer threads once their runs in progress return (waiting a few
         * seconds at most); activities not finished by then never run again. Close the servers
         * that use the pool first. Idempotent.
         */
        @Override
        void close();
    }
}
