package dev.floe.raft.server;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The consensus loop's one MPSC queue of {@link Input}s: any thread adds and wakes the loop's
 * activity; only the loop takes. One queue node per input, no lock.
 */
final class InputQueue {
    private final ConcurrentLinkedQueue<Input> queue = new ConcurrentLinkedQueue<>();
    /** Set once the consensus activity runs; inputs queued before are taken by its first run. */
    private volatile Scheduler.Activity consumer;

    /** Whether an {@link Input.Persisted} wakes the loop; set by the loop after each pass. */
    private volatile boolean wakeOnPersisted = true;

    /**
     * Any thread: queues {@code input} for the consensus loop and wakes it, unless it is a durability
     * report the loop said it does not need at once ({@link #wakeOnPersisted(boolean)}): that one is
     * taken, in order, by the loop's next run, whatever wakes it (a message, a tick).
     */
    void add(Input input) {
        queue.add(input);
        if (!wakeOnPersisted && input instanceof Input.Persisted) return;
        Scheduler.Activity c = consumer;
        if (c != null) c.wake();
    }

    /**
     * Consensus loop, at the end of a pass and before it looks whether inputs are left: whether the
     * next durability report must wake it. Against {@link #add} (which queues before it reads this
     * flag) it is a Dekker pair: either the report wakes the loop, or the loop finds it queued.
     */
    void wakeOnPersisted(boolean wake) {
        if (wakeOnPersisted != wake) wakeOnPersisted = wake;
    }

    void consumer(Scheduler.Activity activity) {
        consumer = activity;
        activity.wake();
    }

    /** Consensus loop: the oldest input, or null. */
    Input poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Consensus loop, on exit: everything still queued, oldest first, removing it. */
    java.util.List<Input> drain() {
        java.util.List<Input> left = new java.util.ArrayList<>();
        for (Input in; (in = queue.poll()) != null; ) left.add(in);
        return left;
    }
}
