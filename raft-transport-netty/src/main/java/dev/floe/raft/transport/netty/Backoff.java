package dev.floe.raft.transport.netty;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a peer link waits before dialling again after a failed or lost connection:
 * {@code initial * 2^(failures-1)}, capped at {@code max}, then scaled by a random factor in
 * {@code [1 - jitter, 1]} so that the members of a cluster restarting together do not dial in lockstep.
 *
 * @param initial the wait after the first failure, positive
 * @param max     the cap, at least {@code initial}
 * @param jitter  the fraction of the wait that is random, in {@code [0, 1]}
 */
public record Backoff(Duration initial, Duration max, double jitter) {

    /** 50 ms doubling up to 2 s, half of it random. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 0.5);

    /**
     * Checks the bounds.
     *
     * @param initial the wait after the first failure, positive
     * @param max     the cap, at least {@code initial}
     * @param jitter  the fraction of the wait that is random, in {@code [0, 1]}
     * @throws IllegalArgumentException if a bound is out of range
     */
    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial backoff must be positive: " + initial);
        if (max.compareTo(initial) < 0) throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
        if (!(jitter >= 0 && jitter <= 1)) throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
    }

    /**
     * The wait in nanoseconds after {@code failures} consecutive failures (at least 1).
     *
     * @param failures consecutive failures so far, at least 1
     * @param random   the source of the jitter
     * @return the wait, at least 1 ns
     */
    public long delayNanos(int failures, RandomGenerator random) {
        long initialNanos = initial.toNanos();
        long maxNanos = max.toNanos();
        int doublings = Math.max(0, Math.min(failures - 1, 62));
        // Doubling stops as soon as the cap is reached, so the shift never overflows.
        long base = initialNanos;
        for (int i = 0; i < doublings && base < maxNanos; i++) base = base > maxNanos / 2 ? maxNanos : base * 2;
        base = Math.min(base, maxNanos);
        double factor = 1.0 - jitter * random.nextDouble();
        return Math.max(1, (long) (base * factor));
    }
}
