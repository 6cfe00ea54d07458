package dev.floe.raft.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Executor} that runs its tasks one at a time, in submission order, as one
 * {@link Scheduler} activity. After {@link #shutdown()} it refuses new tasks
 * ({@link RejectedExecutionException}) and finishes once the queued ones ran.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final Scheduler.Activity activity;
    private volatile boolean shutdown;

    SerialExecutor(Scheduler scheduler, String name) {
        this.activity = scheduler.start(name, this::runQueued);
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) throw new RejectedExecutionException("executor is shut down");
        queue.add(task);
        activity.wake();
    }

    /** Refuses new tasks; the queued ones still run. */
    void shutdown() {
        shutdown = true;
        activity.wake();
    }

    /** Waits (bounded) for the queued tasks after {@link #shutdown()}; true if they all ran. */
    boolean awaitTermination(long timeoutMillis) throws InterruptedException {
        return activity.awaitDone(timeoutMillis);
    }

    private long runQueued() {
        boolean stopping = shutdown; // read before draining: a task queued before shutdown still runs
        for (Runnable r; (r = queue.poll()) != null; ) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("a callback failed", e);
            }
        }
        return stopping && queue.isEmpty() ? Scheduler.DONE : Scheduler.IDLE;
    }
}
