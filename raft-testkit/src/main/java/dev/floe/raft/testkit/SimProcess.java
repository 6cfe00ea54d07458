package dev.floe.raft.testkit;

import dev.floe.raft.server.Clock;
import dev.floe.raft.server.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One incarnation of a member's process: the {@link Scheduler} and {@link Clock} its
 * {@code RaftServer} runs on. Every activity of the server, every storage completion and every
 * delivery to it is an event of this process: a crash drops them all (the process is gone), a pause
 * holds them back (SIGSTOP, a long GC, a frozen VM) while simulated time goes on, and resuming runs
 * everything held back at once, as a resumed process does.
 */
final class SimProcess implements Scheduler, Clock {
    /** Wall-clock time at simulated time 0 (session stamps only compare with each other). */
    private static final long EPOCH_MILLIS = 1_700_000_000_000L;
    /** The CPU time one run of an activity takes at most, in simulated nanoseconds. */
    private static final int MAX_RUN_DELAY_NANOS = 50_000;
    /** How long one run of a disk-side activity (log reads, compaction) takes at most: the disk's latency. */
    private final int maxDiskNanos;

    private final SimWorld world;
    private final SimStats stats;
    final int node;
    private boolean crashed;
    private boolean paused;
    private final List<SimWorld.Event> heldBack = new ArrayList<>();

    /** How fast this process's clock runs against simulated time (1: exactly; 0.9: 10 % slow). */
    private final double clockRate;
    /** Simulated time when this incarnation started: its clock reads the same then. */
    private final long clockOrigin;

    SimProcess(SimWorld world, int node, SimStats stats, int maxDiskNanos) {
        this(world, node, stats, maxDiskNanos, 1.0);
    }

    /** A process whose clock runs at {@code clockRate} times simulated time (clock drift). */
    SimProcess(SimWorld world, int node, SimStats stats, int maxDiskNanos, double clockRate) {
        this.world = world;
        this.node = node;
        this.stats = stats;
        this.maxDiskNanos = maxDiskNanos;
        this.clockRate = clockRate;
        this.clockOrigin = world.now();
    }

    /** The simulated time at which this process's clock reads {@code clockNanos}. */
    private long worldTimeAt(long clockNanos) {
        if (clockRate == 1.0) return clockNanos;
        return clockOrigin + (long) Math.ceil((clockNanos - clockOrigin) / clockRate);
    }

    boolean crashed() {
        return crashed;
    }

    boolean paused() {
        return paused;
    }

    void crash() {
        crashed = true;
        heldBack.clear();
    }

    void pause() {
        paused = true;
    }

    /** The process runs again: what it missed runs now, in the order it was due. */
    void resume() {
        paused = false;
        for (SimWorld.Event e : heldBack) world.resume(e);
        heldBack.clear();
    }

    void holdBack(SimWorld.Event e) {
        heldBack.add(e);
    }

    /** Runs {@code action} in this process after {@code delayNanos} (a thread of it, such as a transport's). */
    void run(long delayNanos, Runnable action) {
        world.at(world.now() + delayNanos, this, action);
    }

    @Override
    public long nanoTime() {
        if (clockRate == 1.0) return world.now();
        return clockOrigin + (long) ((world.now() - clockOrigin) * clockRate);
    }

    @Override
    public long currentTimeMillis() {
        return EPOCH_MILLIS + nanoTime() / 1_000_000;
    }

    @Override
    public Activity start(String name, Task task) {
        // Log reads and compactions wait for the disk: they run late by up to its latency, so the
        // consensus thread goes on (ticks, elections, snapshot installs) while they are under way.
        // Activity names end in their kind, or carry it before a group suffix on a host of many groups.
        boolean disk = name.contains("-log-read") || name.contains("-compact");
        SimActivity a = new SimActivity(name.contains("-consensus") ? countingQuiescence(task) : task,
                disk ? maxDiskNanos : MAX_RUN_DELAY_NANOS);
        a.wake();
        return a;
    }

    /** Counts the times the consensus loop goes to sleep (answers IDLE after a deadline): its group quiesced. */
    private Task countingQuiescence(Task task) {
        long[] last = {0};
        return () -> {
            long next = task.run();
            if (next == IDLE && last[0] != IDLE) stats.quiescences++;
            last[0] = next;
            return next;
        };
    }

    @Override
    public SplittableRandom newRandom() {
        return new SplittableRandom(world.random.nextLong());
    }

    /** A serial activity: at most one run pending, at the earliest time it was asked for. */
    private final class SimActivity implements Activity {
        private static final long NONE = Long.MAX_VALUE;
        private final Task task;
        private final int maxRunDelayNanos;
        private long pendingAt = NONE;
        private long token;
        private boolean done;

        SimActivity(Task task, int maxRunDelayNanos) {
            this.task = task;
            this.maxRunDelayNanos = maxRunDelayNanos;
        }

        @Override
        public void wake() {
            if (!done) runAt(world.now() + 1 + world.random.nextInt(maxRunDelayNanos));
        }

        private void runAt(long time) {
            if (pendingAt <= time) return;
            pendingAt = time;
            long mine = ++token;
            world.at(time, SimProcess.this, () -> fire(mine));
        }

        private void fire(long mine) {
            if (mine != token || done) return;
            pendingAt = NONE;
            long next = task.run();
            if (next == DONE) {
                done = true;
            } else if (next != IDLE) {
                // The task's deadline is on this process's clock.
                runAt(Math.max(worldTimeAt(next), world.now() + 1));
            }
        }

        @Override
        public boolean awaitDone(long timeoutMillis) {
            return done; // nothing can run while the caller waits: the simulation is one thread
        }
    }
}
