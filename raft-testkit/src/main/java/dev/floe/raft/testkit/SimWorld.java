package dev.floe.raft.testkit;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulated universe: one clock in nanoseconds, one queue of events ordered by (time, order of
 * scheduling), one random source derived from the seed. Single-threaded, so a seed replays exactly.
 * An event may belong to a {@link SimProcess}: it is dropped once that process crashed, and held back
 * while it is paused.
 */
final class SimWorld {
    static final class Event implements Comparable<Event> {
        long time;
        final long order;
        final SimProcess owner;
        final Runnable action;

        Event(long time, long order, SimProcess owner, Runnable action) {
            this.time = time;
            this.order = order;
            this.owner = owner;
            this.action = action;
        }

        @Override
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(order, o.order);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    final SplittableRandom random;
    private long order;
    private long now;
    private long events;

    SimWorld(long seed) {
        this.random = new SplittableRandom(seed);
    }

    long now() {
        return now;
    }

    long events() {
        return events;
    }

    /** Runs {@code action} at {@code time} (not before now), on behalf of {@code owner} (or of nobody: null). */
    void at(long time, SimProcess owner, Runnable action) {
        queue.add(new Event(Math.max(time, now), order++, owner, action));
    }

    /** Puts a held-back event back, at the current time, keeping its place among events of the same time. */
    void resume(Event e) {
        queue.add(new Event(now, order++, e.owner, e.action));
    }

    /** Runs the next event due at or before {@code until}; false when there is none. */
    boolean step(long until) {
        Event e = queue.peek();
        if (e == null || e.time > until) return false;
        queue.poll();
        now = e.time;
        if (e.owner != null) {
            if (e.owner.crashed()) return true;
            if (e.owner.paused()) {
                e.owner.holdBack(e);
                return true;
            }
        }
        events++;
        e.action.run();
        return true;
    }

    /** Moves the clock to {@code time} with nothing happening (the end of a run). */
    void advanceTo(long time) {
        now = Math.max(now, time);
    }
}
