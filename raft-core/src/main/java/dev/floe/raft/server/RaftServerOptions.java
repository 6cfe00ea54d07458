package dev.floe.raft.server;

import dev.floe.raft.core.RaftOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link RaftServer}. The defaults suit a LAN: 100 ms ticks, an election timeout of
 * 1-2 s, heartbeats every 100 ms. Build with {@link #builder()}; the record is immutable.
 *
 * @param tickInterval        the length of one logical tick of the consensus clock (default 100 ms)
 * @param electionTicks       T, in ticks: a follower that hears no leader for a random time in
 *                            [T, 2T) starts an election; a leader that hears no majority for T
 *                            ticks steps down (default 10, i.e. 1 s)
 * @param heartbeatTicks      the leader's heartbeat period in ticks, below {@code electionTicks} (default 1)
 * @param preVote             run a PreVote round before an election so a rejoining member does not
 *                            disrupt a healthy leader (thesis §9.6; default on)
 * @param checkQuorum         a leader cut off from a majority steps down (thesis §6.2; default on)
 * @param maxMessageBytes     upper bound for the entries in one AppendRequest (default 1 MiB)
 * @param maxInflightMessages AppendRequests that may be unacknowledged per follower: the depth of
 *                            the replication pipeline (default 256)
 * @param maxInflightBytes    entry bytes that may be unacknowledged per follower (default 32 MiB)
 * @param maxUncommittedBytes the leader refuses proposals with {@link dev.floe.raft.BackpressureException}
 *                            while this many bytes are proposed but not committed (default 64 MiB)
 * @param maxApplyBatchBytes  upper bound for one batch of committed entries handed to the applier (default 4 MiB)
 * @param maxApplyBacklog     committed entries that may wait for the state machine; beyond it new
 *                            proposals are refused with backpressure (default 100 000)
 * @param requestTimeout      how long {@code submit} and {@code read} wait before failing (a submit
 *                            with {@link dev.floe.raft.OutcomeUnknownException}; default 5 s)
 * @param maxPendingRequests  submits and reads that may be outstanding at once; beyond it new ones
 *                            fail at once with backpressure (default 10 000)
 * @param shutdownTimeout     how long {@code close()} waits for each thread and for writes in
 *                            flight to finish (default 5 s)
 * @param leaseReads          serve {@code read(query, LEASE)} on the leader from its lease, without a
 *                            heartbeat round (thesis §6.4.1; default off, and then LEASE reads are
 *                            ReadIndex reads). Rests on bounded clock drift: no member's clock may run
 *                            {@code leaseMarginTicks} per election timeout slower than the leader's.
 *                            Needs {@code checkQuorum}; a restarted member then refuses votes for its
 *                            first election timeout
 * @param leaseMarginTicks    how much shorter than an election timeout the lease is (default 2)
 * @param quiesce             an idle group goes quiet (CockroachDB's quiescence; default off): once every
 *                            member holds the whole log, committed, and nothing is pending for
 *                            {@code quiesceTicks}, the leader tells the followers so and the members
 *                            stop ticking — no heartbeats, no election timers, no CPU — until a
 *                            submit, a read, a membership change or a message that needs an answer
 *                            wakes them. A quiesced follower cannot notice a dead leader by ticks, so
 *                            turn it on only with a failure detector that calls
 *                            {@link RaftServer#peerSuspected} (a multi-group host's liveness check);
 *                            set it the same on every member. Needs {@code preVote}. See docs/core.md, "Quiescence"
 * @param quiesceTicks        how many ticks a group must have been idle before it quiesces (default 10)
 */
public record RaftServerOptions(Duration tickInterval, int electionTicks, int heartbeatTicks, boolean preVote,
                                boolean checkQuorum, long maxMessageBytes, int maxInflightMessages,
                                long maxInflightBytes, long maxUncommittedBytes, long maxApplyBatchBytes,
                                int maxApplyBacklog, Duration requestTimeout, int maxPendingRequests,
                                Duration shutdownTimeout, boolean leaseReads, int leaseMarginTicks,
                                boolean quiesce, int quiesceTicks) {

    /**
     * Validates every option.
     *
     * @param tickInterval        the length of one logical tick of the consensus clock (default 100 ms)
     * @param electionTicks       T, in ticks: a follower that hears no leader for a random time in [T, 2T) starts an election; a leader that hears no majority for T ticks steps down (default 10, i.e. 1 s)
     * @param heartbeatTicks      the leader's heartbeat period in ticks, below {@code electionTicks} (default 1)
     * @param preVote             run a PreVote round before an election so a rejoining member does not disrupt a healthy leader (thesis §9.6; default on)
     * @param checkQuorum         a leader cut off from a majority steps down (thesis §6.2; default on)
     * @param maxMessageBytes     upper bound for the entries in one AppendRequest (default 1 MiB)
     * @param maxInflightMessages AppendRequests that may be unacknowledged per follower: the depth of the replication pipeline (default 256)
     * @param maxInflightBytes    entry bytes that may be unacknowledged per follower (default 32 MiB)
     * @param maxUncommittedBytes the leader refuses proposals with {@link dev.floe.raft.BackpressureException} while this many bytes are proposed but not committed (default 64 MiB)
     * @param maxApplyBatchBytes  upper bound for one batch of committed entries handed to the applier (default 4 MiB)
     * @param maxApplyBacklog     committed entries that may wait for the state machine; beyond it new proposals are refused with backpressure (default 100 000)
     * @param requestTimeout      how long {@code submit} and {@code read} wait before failing (a submit with {@link dev.floe.raft.OutcomeUnknownException}; default 5 s)
     * @param maxPendingRequests  submits and reads that may be outstanding at once; beyond it new ones fail at once with backpressure (default 10 000)
     * @param shutdownTimeout     how long {@code close()} waits for each thread and for writes in flight to finish (default 5 s)
     * @param leaseReads          serve {@code read(query, LEASE)} on the leader from its lease, without a heartbeat round (thesis §6.4.1; default off, and then LEASE reads are ReadIndex reads). Rests on bounded clock drift: no member's clock may run {@code leaseMarginTicks} per election timeout slower than the leader's. Needs {@code checkQuorum}; a restarted member then refuses votes for its first election timeout
     * @param leaseMarginTicks    how much shorter than an election timeout the lease is (default 2)
     * @param quiesce             an idle group goes quiet: no heartbeats, no election timers until something wakes it (default off; needs a failure detector calling {@link RaftServer#peerSuspected}; see docs/core.md, "Quiescence")
     * @param quiesceTicks        how many ticks a group must have been idle before it quiesces (default 10)
     * @throws IllegalArgumentException naming the first invalid option
     */
    public RaftServerOptions {
        requirePositive(tickInterval, "tickInterval");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(shutdownTimeout, "shutdownTimeout");
        if (maxApplyBacklog < 1) throw new IllegalArgumentException("maxApplyBacklog must be positive: " + maxApplyBacklog);
        if (maxPendingRequests < 1) throw new IllegalArgumentException("maxPendingRequests must be positive: " + maxPendingRequests);
        if (quiesceTicks < 1) throw new IllegalArgumentException("quiesceTicks must be positive: " + quiesceTicks);
        // The core validates the rest; fail here, at construction, rather than at start(). (In a
        // compact constructor the fields are not assigned yet, so pass the parameters.)
        new RaftOptions(electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxApplyBatchBytes, leaseReads, leaseMarginTicks, quiesce ? quiesceTicks : 0);
    }

    /**
     * {@return the defaults (see the parameter descriptions)}
     */
    public static RaftServerOptions defaults() {
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

    /**
     * {@return a builder starting from these options}
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tickInterval = tickInterval;
        b.electionTicks = electionTicks;
        b.heartbeatTicks = heartbeatTicks;
        b.preVote = preVote;
        b.checkQuorum = checkQuorum;
        b.maxMessageBytes = maxMessageBytes;
        b.maxInflightMessages = maxInflightMessages;
        b.maxInflightBytes = maxInflightBytes;
        b.maxUncommittedBytes = maxUncommittedBytes;
        b.maxApplyBatchBytes = maxApplyBatchBytes;
        b.maxApplyBacklog = maxApplyBacklog;
        b.requestTimeout = requestTimeout;
        b.maxPendingRequests = maxPendingRequests;
        b.shutdownTimeout = shutdownTimeout;
        b.leaseReads = leaseReads;
        b.leaseMarginTicks = leaseMarginTicks;
        b.quiesce = quiesce;
        b.quiesceTicks = quiesceTicks;
        return b;
    }

    /** The consensus core's share of these options (the core's types stay out of the public API). */
    RaftOptions toRaftOptions() {
        return new RaftOptions(electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes,
                maxInflightMessages, maxInflightBytes, maxUncommittedBytes, maxApplyBatchBytes, leaseReads, leaseMarginTicks,
                quiesce ? quiesceTicks : 0);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
    }

    /** Builds {@link RaftServerOptions}; every setter documents its option on the record. */
    public static final class Builder {
        private Duration tickInterval = Duration.ofMillis(100);
        private int electionTicks = RaftOptions.DEFAULTS.electionTicks();
        private int heartbeatTicks = RaftOptions.DEFAULTS.heartbeatTicks();
        private boolean preVote = RaftOptions.DEFAULTS.preVote();
        private boolean checkQuorum = RaftOptions.DEFAULTS.checkQuorum();
        private long maxMessageBytes = RaftOptions.DEFAULTS.maxMessageBytes();
        private int maxInflightMessages = RaftOptions.DEFAULTS.maxInflightMessages();
        private long maxInflightBytes = RaftOptions.DEFAULTS.maxInflightBytes();
        private long maxUncommittedBytes = RaftOptions.DEFAULTS.maxUncommittedBytes();
        private long maxApplyBatchBytes = RaftOptions.DEFAULTS.maxApplyBytes();
        private int maxApplyBacklog = 100_000;
        private Duration requestTimeout = Duration.ofSeconds(5);
        private int maxPendingRequests = 10_000;
        private Duration shutdownTimeout = Duration.ofSeconds(5);
        private boolean leaseReads = RaftOptions.DEFAULTS.leaseReads();
        private int leaseMarginTicks = RaftOptions.DEFAULTS.leaseMarginTicks();
        private boolean quiesce = false;
        private int quiesceTicks = 10;

        private Builder() {
        }

        /**
         * Lease reads on or off, and the clock-drift margin in ticks (see the record's description).
         *
         * @param on          see {@link RaftServerOptions#leaseReads()}
         * @param marginTicks see {@link RaftServerOptions#leaseMarginTicks()}
         * @return this builder
         */
        public Builder leaseReads(boolean on, int marginTicks) {
            leaseReads = on;
            leaseMarginTicks = marginTicks;
            return this;
        }

        /**
         * Quiescence on or off, and after how many idle ticks (see the record's description).
         *
         * @param on        see {@link RaftServerOptions#quiesce()}
         * @param idleTicks see {@link RaftServerOptions#quiesceTicks()}
         * @return this builder
         */
        public Builder quiesce(boolean on, int idleTicks) {
            quiesce = on;
            quiesceTicks = idleTicks;
            return this;
        }

        /**
         * Sets {@code tickInterval}.
         *
         * @param value see {@link RaftServerOptions#tickInterval()}
         * @return this builder
         */
        public Builder tickInterval(Duration value) {
            tickInterval = value;
            return this;
        }

        /**
         * Election timeout T and heartbeat period, both in ticks.
         *
         * @param election  see {@link RaftServerOptions#electionTicks()}
         * @param heartbeat see {@link RaftServerOptions#heartbeatTicks()}
         * @return this builder
         */
        public Builder electionTicks(int election, int heartbeat) {
            electionTicks = election;
            heartbeatTicks = heartbeat;
            return this;
        }

        /**
         * Sets {@code preVote}.
         *
         * @param value see {@link RaftServerOptions#preVote()}
         * @return this builder
         */
        public Builder preVote(boolean value) {
            preVote = value;
            return this;
        }

        /**
         * Sets {@code checkQuorum}.
         *
         * @param value see {@link RaftServerOptions#checkQuorum()}
         * @return this builder
         */
        public Builder checkQuorum(boolean value) {
            checkQuorum = value;
            return this;
        }

        /**
         * Replication flow control: bytes per AppendRequest, and the per-follower in-flight window.
         *
         * @param messageBytes     see {@link RaftServerOptions#maxMessageBytes()}
         * @param inflightMessages see {@link RaftServerOptions#maxInflightMessages()}
         * @param inflightBytes    see {@link RaftServerOptions#maxInflightBytes()}
         * @return this builder
         */
        public Builder flowControl(long messageBytes, int inflightMessages, long inflightBytes) {
            maxMessageBytes = messageBytes;
            maxInflightMessages = inflightMessages;
            maxInflightBytes = inflightBytes;
            return this;
        }

        /**
         * Sets {@code maxUncommittedBytes}.
         *
         * @param value see {@link RaftServerOptions#maxUncommittedBytes()}
         * @return this builder
         */
        public Builder maxUncommittedBytes(long value) {
            maxUncommittedBytes = value;
            return this;
        }

        /**
         * Sets {@code maxApplyBatchBytes}.
         *
         * @param value see {@link RaftServerOptions#maxApplyBatchBytes()}
         * @return this builder
         */
        public Builder maxApplyBatchBytes(long value) {
            maxApplyBatchBytes = value;
            return this;
        }

        /**
         * Sets {@code maxApplyBacklog}.
         *
         * @param value see {@link RaftServerOptions#maxApplyBacklog()}
         * @return this builder
         */
        public Builder maxApplyBacklog(int value) {
            maxApplyBacklog = value;
            return this;
        }

        /**
         * Sets {@code requestTimeout}.
         *
         * @param value see {@link RaftServerOptions#requestTimeout()}
         * @return this builder
         */
        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        /**
         * Sets {@code maxPendingRequests}.
         *
         * @param value see {@link RaftServerOptions#maxPendingRequests()}
         * @return this builder
         */
        public Builder maxPendingRequests(int value) {
            maxPendingRequests = value;
            return this;
        }

        /**
         * Sets {@code shutdownTimeout}.
         *
         * @param value see {@link RaftServerOptions#shutdownTimeout()}
         * @return this builder
         */
        public Builder shutdownTimeout(Duration value) {
            shutdownTimeout = value;
            return this;
        }

        /**
         * Validates and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException naming the first invalid option
         */
        public RaftServerOptions build() {
            return new RaftServerOptions(tickInterval, electionTicks, heartbeatTicks, preVote, checkQuorum,
                    maxMessageBytes, maxInflightMessages, maxInflightBytes, maxUncommittedBytes, maxApplyBatchBytes,
                    maxApplyBacklog, requestTimeout, maxPendingRequests, shutdownTimeout, leaseReads, leaseMarginTicks,
                    quiesce, quiesceTicks);
        }
    }
}
