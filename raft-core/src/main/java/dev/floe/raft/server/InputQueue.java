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

    /** Any thread: queues {@code input} for the consensus loop and wakes it. */
    void add(Input input) {
        queue.add(input);
        Scheduler.Activity c = consumer;
        if (c != null) c.wake();
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
