package dev.floe.raft.server;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Scheduler#pool}: a fixed number of worker threads run any number of activities, and one
 * timer thread keeps every activity's deadline.
 *
 * <p>Each activity is in one of five states. {@link Activity#wake()} moves an idle activity to the
 * ready queue (FIFO, shared by the workers) and marks a running one to run again; a worker that
 * finishes a run either parks the activity (idle, with its deadline given to the timer) or, when it
 * was woken meanwhile or its deadline has passed, puts it at the <em>back</em> of the ready queue,
 * so one busy activity cannot starve the others. Only the worker that took an activity from the
 * queue runs it, so runs never overlap; the state's compare-and-set and the queue hand-off order
 * each run after the previous one (happens-before).
 *
 * <p>Deadlines are rounded up to a multiple of the timer slot (on the {@link Clock#nanoTime()}
 * scale), so activities due at about the same time run together: many groups' ticks fall in the
 * same slots, and the heartbeats they send to one peer leave together (the transport can carry them
 * in one frame). The timer holds (deadline, activity) entries; an entry wakes its activity only if
 * that is still the deadline the activity's last run asked for ({@code wantedAt}, cleared when a
 * run starts), so stale entries cost one comparison and no run. A run that parks with the deadline
 * an entry already holds adds none ({@code armedAt}): a busy group asks for the same next tick after
 * every one of its runs, and one timer entry per tick, not per run, keeps the timer's queue small.
 */
final class PooledScheduler implements Scheduler.Pool {
    private static final Logger LOG = LoggerFactory.getLogger(PooledScheduler.class);
    /** The time its deadlines are in, as for {@link ThreadScheduler}. */
    private static final Clock TIME = Clock.system();

    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;
    private static final int RUNNING_WOKEN = 3;
    private static final int FINISHED = 4;
    /** {@code wantedAt} / {@code armedAt} when there is no such deadline (no clock reading is this). */
    private static final long NO_DEADLINE = Long.MIN_VALUE;
    /** Set on the pools' worker threads: a worker that waits for an activity helps run it. */
    private static final ThreadLocal<Boolean> WORKER = new ThreadLocal<>();

    private final String name;
    private final ConcurrentLinkedQueue<PooledActivity> ready = new ConcurrentLinkedQueue<>();
    private final Thread[] workers;
    /** Per worker: parked waiting for the ready queue, until whoever clears it unparks the worker. */
    private final AtomicBoolean[] sleeping;
    /** How many workers are parked (or about to park); read by every enqueue, so a busy pool wakes nobody. */
    private final AtomicInteger sleepers = new AtomicInteger();
    /** Workers unparked that have not looked at the queue yet: one such worker takes what is queued meanwhile. */
    private final AtomicInteger waking = new AtomicInteger();
    private final DeadlineTimer timer;
    private final long slotNanos;
    private volatile boolean closed;

    PooledScheduler(String name, int threads, long slotNanos) {
        if (threads < 1) throw new IllegalArgumentException("a pool needs at least one thread: " + threads);
        if (slotNanos < 1) throw new IllegalArgumentException("the timer slot must be positive: " + slotNanos + " ns");
        this.name = name;
        this.slotNanos = slotNanos;
        this.workers = new Thread[threads];
        this.sleeping = new AtomicBoolean[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            sleeping[i] = new AtomicBoolean();
            Thread worker = new Thread(() -> work(index), name + "-" + i);
            worker.setDaemon(true);
            workers[i] = worker;
        }
        this.timer = new DeadlineTimer();
        for (Thread worker : workers) worker.start();
        timer.thread.start();
    }

    @Override
    public Activity start(String activityName, Task task) {
        if (closed) throw new IllegalStateException("scheduler " + name + " is closed");
        PooledActivity activity = new PooledActivity(activityName, task);
        activity.wake();
        return activity;
    }

    @Override
    public SplittableRandom newRandom() {
        return new SplittableRandom();
    }

    @Override
    public int threads() {
        return workers.length;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Thread worker : workers) worker.interrupt();
        timer.thread.interrupt();
        boolean self = false;
        for (Thread worker : workers) {
            if (worker == Thread.currentThread()) {
                self = true;
                continue;
            }
            joinQuietly(worker);
        }
        joinQuietly(timer.thread);
        if (!ready.isEmpty() && !self) LOG.debug("{} closed with {} activities still queued", name, ready.size());
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code at} rounded up to a multiple of the timer slot. */
    private long roundUp(long at) {
        long late = Math.floorMod(at, slotNanos);
        return late == 0 ? at : at + (slotNanos - late);
    }

    /**
     * Queues {@code activity} and unparks a worker only if one is parked and none is already on its
     * way: while every worker is busy, or one was just woken, queuing costs one lock-free append and
     * no wake-up, and that worker takes the entries queued meanwhile back to back (many groups' runs
     * for one wake-up and one park); a worker that takes an entry and sees more queued wakes the
     * next one, so a backlog still spreads over the pool. Against {@link #work}'s parking (which
     * announces itself in {@link #sleepers} before it looks at the queue once more) it is a Dekker
     * pair: either this sees the sleeper, or the worker finds the entry.
     */
    private void enqueue(PooledActivity activity) {
        ready.add(activity);
        if (sleepers.get() > 0 && waking.get() == 0) wakeOne();
    }

    private void wakeOne() {
        for (int i = 0; i < sleeping.length; i++) {
            if (sleeping[i].get() && sleeping[i].compareAndSet(true, false)) {
                sleepers.decrementAndGet();
                waking.incrementAndGet();
                LockSupport.unpark(workers[i]);
                return;
            }
        }
    }

    private void work(int index) {
        WORKER.set(Boolean.TRUE);
        AtomicBoolean asleep = sleeping[index];
        while (!closed) {
            PooledActivity activity = ready.poll();
            if (activity != null) {
                if (sleepers.get() > 0 && waking.get() == 0 && !ready.isEmpty()) wakeOne(); // more queued: a helper
                activity.runOnce();
                // A task may leave the interrupt flag set; it must not leak into the next activity's run.
                if (!closed) Thread.interrupted();
                continue;
            }
            asleep.set(true);
            sleepers.incrementAndGet();
            if (!ready.isEmpty() || closed) {
                // Queued meanwhile: take it instead of sleeping, unless an enqueue already woke us.
                if (asleep.compareAndSet(true, false)) sleepers.decrementAndGet();
                else waking.decrementAndGet(); // an enqueue woke us meanwhile: we are that worker
                continue;
            }
            while (asleep.get() && !closed) {
                LockSupport.park(this);
                Thread.interrupted(); // closing (the loop condition decides), or a stray interrupt
            }
            if (!asleep.get()) waking.decrementAndGet(); // unparked by wakeOne (closing leaves the flag set)
        }
    }

    private final class PooledActivity implements Activity {
        private final String activityName;
        private final Task task;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private final CountDownLatch done = new CountDownLatch(1);
        /** The slot-rounded deadline the last run asked for, or {@link #NO_DEADLINE}; cleared when a run starts. */
        private volatile long wantedAt = NO_DEADLINE;
        /** The deadline of the newest timer entry not yet taken by the timer, or {@link #NO_DEADLINE}. */
        private final AtomicLong armedAt = new AtomicLong(NO_DEADLINE);
        /** The worker running it now, or null. */
        private volatile Thread runner;

        PooledActivity(String activityName, Task task) {
            this.activityName = activityName;
            this.task = task;
        }

        @Override
        public void wake() {
            while (true) {
                int s = state.get();
                if (s == IDLE) {
                    if (state.compareAndSet(IDLE, QUEUED)) {
                        enqueue(this);
                        return;
                    }
                } else if (s == RUNNING) {
                    if (state.compareAndSet(RUNNING, RUNNING_WOKEN)) return;
                } else {
                    return; // already queued, already due to run again, or finished
                }
            }
        }

        @Override
        public boolean awaitDone(long timeoutMillis) throws InterruptedException {
            // A run cannot wait for its own end; no worker is interrupted either (it may be serving
            // another activity's I/O by then, and an interrupt would close that one's file channels).
            if (runner == Thread.currentThread()) return done.getCount() == 0;
            if (WORKER.get() == null) return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
            // A worker that waited idly could leave no thread to run what it waits for (a pool full of
            // servers closing after a fatal error, each waiting for its own applier): it runs the
            // activity itself whenever it is queued, and checks again every millisecond.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (done.getCount() > 0) {
                runOnce();
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                done.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
            }
            return done.getCount() == 0;
        }

        /**
         * Runs the task once if it is queued, on the calling thread: the worker that took it from
         * the ready queue, or a worker waiting for it. Whoever moves it from queued to running runs
         * it; a queue entry that finds it otherwise is stale and does nothing.
         */
        void runOnce() {
            if (!state.compareAndSet(QUEUED, RUNNING)) return;
            wantedAt = NO_DEADLINE; // an entry for a deadline asked before this run no longer wakes it
            runner = Thread.currentThread();
            long next;
            try {
                next = task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("activity {} failed and stops", activityName, e);
                next = DONE;
            } finally {
                runner = null;
            }
            if (next == DONE) {
                state.set(FINISHED);
                done.countDown();
                return;
            }
            boolean due = next != IDLE && next - TIME.nanoTime() <= 0;
            if (!due && state.compareAndSet(RUNNING, IDLE)) {
                if (next != IDLE) armFor(roundUp(next));
                return;
            }
            // Woken during the run, or already due: run again, after everything queued before. The
            // worker finishing this run takes the queue's head next, so when that is this activity
            // alone no other worker is woken for it.
            state.set(QUEUED);
            if (ready.isEmpty()) ready.add(this);
            else enqueue(this);
        }

        /**
         * Parked until {@code at}: wanted first, then an entry added unless one for {@code at} is
         * still in the timer. Against the timer's {@link #deadlineReached} (which clears
         * {@code armedAt} before it reads {@code wantedAt}): if this sees the entry still armed, the
         * timer will see this deadline wanted when it takes the entry, so no wake-up is lost.
         */
        private void armFor(long at) {
            wantedAt = at;
            if (armedAt.get() != at) timer.schedule(this, at);
        }

        /** The timer took this activity's entry for {@code at}: wakes it if that is still its deadline. */
        void deadlineReached(long at) {
            armedAt.compareAndSet(at, NO_DEADLINE);
            if (wantedAt == at) wake();
        }

        @Override
        public String toString() {
            return activityName;
        }
    }

    /** One thread for every activity's deadline. */
    private final class DeadlineTimer {
        private record Deadline(long at, PooledActivity activity) {
        }

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.at - b.at, 0));
        final Thread thread = new Thread(this::run, name + "-timer");

        DeadlineTimer() {
            thread.setDaemon(true);
        }

        /** Adds an entry waking {@code activity} at {@code at} (slot-rounded) if it still wants it then. */
        void schedule(PooledActivity activity, long at) {
            Deadline d = new Deadline(at, activity);
            lock.lock();
            try {
                deadlines.add(d);
                activity.armedAt.set(at);
                if (deadlines.peek() == d) changed.signal();
            } finally {
                lock.unlock();
            }
        }

        private void run() {
            while (!closed) {
                Deadline due = null;
                lock.lock();
                try {
                    Deadline head = deadlines.peek();
                    if (head == null) {
                        changed.await();
                    } else {
                        long wait = head.at - TIME.nanoTime();
                        if (wait <= 0) due = deadlines.poll();
                        else changed.awaitNanos(wait);
                    }
                } catch (InterruptedException e) {
                    continue; // closing: the loop condition decides
                } finally {
                    lock.unlock();
                }
                if (due != null) due.activity.deadlineReached(due.at);
            }
        }
    }
}
