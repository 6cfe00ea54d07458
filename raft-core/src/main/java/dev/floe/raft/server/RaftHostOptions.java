package dev.floe.raft.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link RaftHost}: its shared thread pools, its failure detector and its leader
 * balancing. Build with {@link #builder()} (or {@link #defaults()}{@code .toBuilder()}).
 *
 * @param consensusThreads threads shared by every group's consensus loop, which never blocks (default: the
 *                         number of cores)
 * @param diskThreads      threads shared by the activities that wait for the disk: each group's persist
 *                         pipeline (which saves the term and vote with an fsync inside its run) and snapshot
 *                         transfers (default 4). As many groups can save a hard state at once as there are
 *                         threads, which bounds an election storm's fsync rate
 * @param userThreads      threads shared by the activities that run user code: each group's state machine,
 *                         the callbacks that complete futures, the shutdown after a fatal error (default: the
 *                         number of cores, at least 2). A state machine that blocks holds one of them; at
 *                         least 2, so that a group that closes itself after a fatal error (on one of these
 *                         threads) can still let its applier finish
 * @param pingInterval     how often the host pings each peer host it shares a group with (default 100 ms)
 * @param suspectAfter     a peer host heard from nothing (no ping, no message) for this long is suspected:
 *                         every local group it leads is told at once instead of waiting for its own election
 *                         timeout (default 1 s, the default election timeout); above {@code pingInterval}
 * @param balanceInterval  how often the host runs {@link RaftHost#balanceLeaders()} by itself; zero for never
 *                         (default zero)
 * @param timerSlot        deadlines of the pools are rounded up to multiples of this, so that groups whose ticks
 *                         are due at about the same time run together and their heartbeats to a peer host leave
 *                         together (see {@link Scheduler#pool}); a tick is late by less than one slot (default
 *                         10 ms; keep it well below the groups' tick interval)
 */
public record RaftHostOptions(int consensusThreads, int diskThreads, int userThreads, Duration pingInterval,
                              Duration suspectAfter, Duration balanceInterval, Duration timerSlot) {

    /**
     * Validates every option.
     *
     * @param consensusThreads threads shared by every group's consensus loop, at least 1
     * @param diskThreads      threads shared by the disk activities, at least 1
     * @param userThreads      threads shared by the user-code activities, at least 2
     * @param pingInterval     how often peer hosts are pinged, positive
     * @param suspectAfter     silence after which a peer host is suspected, above {@code pingInterval}
     * @param balanceInterval  how often leaders are balanced, zero for never
     * @param timerSlot        the granularity of the pools' deadlines, positive
     * @throws IllegalArgumentException naming the first invalid option
     */
    public RaftHostOptions {
        if (consensusThreads < 1) throw new IllegalArgumentException("consensusThreads must be at least 1: " + consensusThreads);
        if (diskThreads < 1) throw new IllegalArgumentException("diskThreads must be at least 1: " + diskThreads);
        if (userThreads < 2) throw new IllegalArgumentException("userThreads must be at least 2: " + userThreads);
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(suspectAfter, "suspectAfter");
        Objects.requireNonNull(balanceInterval, "balanceInterval");
        if (pingInterval.isNegative() || pingInterval.isZero()) {
            throw new IllegalArgumentException("pingInterval must be positive: " + pingInterval);
        }
        if (suspectAfter.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("suspectAfter " + suspectAfter + " must be above pingInterval " + pingInterval);
        }
        if (balanceInterval.isNegative()) throw new IllegalArgumentException("balanceInterval must not be negative: " + balanceInterval);
        Objects.requireNonNull(timerSlot, "timerSlot");
        if (timerSlot.isNegative() || timerSlot.isZero()) throw new IllegalArgumentException("timerSlot must be positive: " + timerSlot);
    }

    /** {@return the defaults} */
    public static RaftHostOptions defaults() {
        return new Builder().build();
    }

    /** {@return a builder holding the defaults; the same as {@code defaults().toBuilder()}} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding these options} */
    public Builder toBuilder() {
        return new Builder().threads(consensusThreads, diskThreads, userThreads).liveness(pingInterval, suspectAfter)
                .balanceInterval(balanceInterval).timerSlot(timerSlot);
    }

    /** Builds {@link RaftHostOptions}; every option starts at its default. */
    public static final class Builder {
        private int consensusThreads = Runtime.getRuntime().availableProcessors();
        private int diskThreads = 4;
        private int userThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private Duration pingInterval = Duration.ofMillis(100);
        private Duration suspectAfter = Duration.ofSeconds(1);
        private Duration balanceInterval = Duration.ZERO;
        private Duration timerSlot = Duration.ofMillis(10);

        private Builder() {
        }

        /**
         * The three pools' sizes, set together.
         *
         * @param consensus see {@link RaftHostOptions#consensusThreads()}
         * @param disk      see {@link RaftHostOptions#diskThreads()}
         * @param user      see {@link RaftHostOptions#userThreads()}
         * @return this builder
         */
        public Builder threads(int consensus, int disk, int user) {
            consensusThreads = consensus;
            diskThreads = disk;
            userThreads = user;
            return this;
        }

        /**
         * The failure detector's ping interval and silence threshold, set together.
         *
         * @param ping    see {@link RaftHostOptions#pingInterval()}
         * @param suspect see {@link RaftHostOptions#suspectAfter()}
         * @return this builder
         */
        public Builder liveness(Duration ping, Duration suspect) {
            pingInterval = ping;
            suspectAfter = suspect;
            return this;
        }

        /**
         * Sets {@code balanceInterval}.
         *
         * @param value see {@link RaftHostOptions#balanceInterval()}
         * @return this builder
         */
        public Builder balanceInterval(Duration value) {
            balanceInterval = value;
            return this;
        }

        /**
         * Sets {@code timerSlot}.
         *
         * @param value see {@link RaftHostOptions#timerSlot()}
         * @return this builder
         */
        public Builder timerSlot(Duration value) {
            timerSlot = value;
            return this;
        }

        /**
         * Validates and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException naming the first invalid option
         */
        public RaftHostOptions build() {
            return new RaftHostOptions(consensusThreads, diskThreads, userThreads, pingInterval, suspectAfter, balanceInterval,
                    timerSlot);
        }
    }
}
