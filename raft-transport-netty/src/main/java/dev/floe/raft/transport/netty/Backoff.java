package dev.floe.raft.transport.netty;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a peer link waits before dialling again after a failed or lost connection:
 * {@code initial * 2^(failures-1)}, capped at {@code max}, then scaled by a random factor in
 * {@code [1 - jitter, 1]} so that the members of a cluster restarting together do not dial in lockstep.
 *
 * @param initial the wait after the first failure, positive (default 50 ms)
 * @param max     the cap, at least {@code initial} (default 2 s)
 * @param jitter  the fraction of the wait that is random, in {@code [0, 1]} (default 0.5)
 */
public record Backoff(Duration initial, Duration max, double jitter) {


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

    /** {@return the defaults: 50 ms doubling up to 2 s, half of it random} */
    public static Backoff defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults; the same as {@code defaults().toBuilder()}.
     *
     * @return a builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from this policy} */
    public Builder toBuilder() {
        return new Builder().delays(initial, max).jitter(jitter);
    }

    /** Builds a {@link Backoff}. Not thread-safe. */
    public static final class Builder {
        private Duration initial = Duration.ofMillis(50);
        private Duration max = Duration.ofSeconds(2);
        private double jitter = 0.5;

        private Builder() {
        }

        /**
         * The first wait and the cap, set together since the cap must be at least the first wait.
         *
         * @param first see {@link Backoff#initial()}
         * @param cap   see {@link Backoff#max()}
         * @return this builder
         */
        public Builder delays(Duration first, Duration cap) {
            initial = first;
            max = cap;
            return this;
        }

        /**
         * The random share of each wait.
         *
         * @param fraction see {@link Backoff#jitter()}
         * @return this builder
         */
        public Builder jitter(double fraction) {
            jitter = fraction;
            return this;
        }

        /**
         * Checks and builds the policy.
         *
         * @return the policy
         * @throws IllegalArgumentException naming the first invalid bound
         */
        public Backoff build() {
            return new Backoff(initial, max, jitter);
        }
    }
}
