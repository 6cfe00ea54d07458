package dev.floe.raft.server;

import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Scheduler#threads()}: each activity is a daemon thread that runs its task, then parks
 * until woken or until the deadline the task returned. A wake is a volatile write when the thread
 * is running (it runs the task again before parking) and an unpark only when it parks: no
 * allocation and no lock per hand-off.
 */
enum ThreadScheduler implements Scheduler {
    INSTANCE;

    /** The time its deadlines are in: the one {@link Clock#system()} reads, so the two always agree. */
    private static final Clock TIME = Clock.system();

    @Override
    public Activity start(String name, Task task) {
        ThreadActivity activity = new ThreadActivity(task);
        Thread thread = new Thread(activity, name);
        thread.setDaemon(true);
        activity.thread = thread;
        thread.start();
        return activity;
    }

    @Override
    public SplittableRandom newRandom() {
        return new SplittableRandom();
    }

    private static final class ThreadActivity implements Activity, Runnable {
        private final Task task;
        private volatile Thread thread;
        /**
         * Set by {@link #wake()}, cleared by the thread before each run: a wake that comes while
         * the task runs makes the thread run it again instead of parking, so no input is missed.
         */
        private volatile boolean woken;
        /**
         * Set by the thread just before it parks, then {@link #woken} is read again; {@link #wake()}
         * sets {@link #woken}, then reads this. Both are volatile, so at least one of the two sees
         * the other's write: the thread does not park, or the waker unparks it. A wake while the
         * task runs therefore costs no unpark, and leaves no stray permit that would make the next
         * park return at once and the task run once more with nothing to do.
         */
        private volatile boolean parking;

        ThreadActivity(Task task) {
            this.task = task;
        }

        @Override
        public void wake() {
            if (!woken) {
                woken = true;
                if (parking) LockSupport.unpark(thread);
            }
        }

        @Override
        public boolean awaitDone(long timeoutMillis) throws InterruptedException {
            Thread t = thread;
            if (t == Thread.currentThread()) return false;
            t.join(timeoutMillis);
            if (t.isAlive()) {
                t.interrupt(); // a task stuck in user code or I/O
                t.join(timeoutMillis);
            }
            return !t.isAlive();
        }

        @Override
        public void run() {
            while (true) {
                woken = false;
                long next = task.run();
                if (next == DONE) return;
                if (woken) continue;
                parking = true;
                if (!woken) {
                    if (next == IDLE) {
                        LockSupport.park(this);
                    } else {
                        long wait = next - TIME.nanoTime();
                        if (wait > 0) LockSupport.parkNanos(this, wait);
                    }
                }
                parking = false;
                // close() gave up waiting and interrupted us: clear it, so parking works again.
                Thread.interrupted();
            }
        }
    }
}
