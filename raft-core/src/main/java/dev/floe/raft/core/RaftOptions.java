package dev.floe.raft.core;

/**
 * Tuning of the consensus core. Time is counted in ticks (the caller decides how long a tick is;
 * the server uses 100 ms by default) and sizes in bytes.
 *
 * @param electionTicks       T: a follower that hears nothing from a leader for a random timeout
 *                            in [T, 2T) starts an election (Raft paper §5.2); a leader that has not
 *                            heard from a quorum for T ticks steps down (CheckQuorum)
 * @param heartbeatTicks      the leader sends heartbeats every this many ticks; must be well below T
 * @param preVote             run a PreVote round before a real election (thesis §9.6)
 * @param checkQuorum         leaders step down without a live quorum, and followers that hear from
 *                            a leader ignore vote requests for an election timeout (thesis §9.6, §4.2.3)
 * @param maxMessageBytes     upper bound for the entries carried by one AppendRequest
 * @param maxInflightMessages how many AppendRequests may be unacknowledged per follower (pipelining)
 * @param maxInflightBytes    how many entry bytes may be unacknowledged per follower
 * @param maxUncommittedBytes proposals are refused with backpressure while this many bytes of
 *                            proposals are appended but not committed
 * @param maxApplyBytes       upper bound for the committed entries handed out by one {@link Ready}
 * @param leaseReads          allow {@link RaftNode#leaseReadIndex()} (thesis §6.4.1). It rests on
 *                            bounded clock drift: every member's tick must not run more than
 *                            {@code leaseMarginTicks} per election timeout slower than the leader's.
 *                            With it on, a freshly started member also refuses votes for its first
 *                            election timeout, since it cannot know whether it promised a lease before
 *                            a restart.
 * @param leaseMarginTicks    how much shorter than an election timeout a lease is, for clock drift
 * @param quiesceTicks        0: never quiesce (the default). Otherwise a leader whose group has been
 *                            idle and fully caught up for this many ticks tells its followers to go
 *                            quiet and stops ticking with them (see {@link RaftNode#isQuiesced()}):
 *                            no heartbeats, no election timers, until a proposal, a read, a message
 *                            that needs an answer or {@link RaftNode#peerSuspected} wakes it. Needs a
 *                            failure detector outside the core, since a quiesced follower cannot
 *                            notice by ticks that its leader died (CockroachDB's quiescence). Needs
 *                            {@code preVote}
 */
public record RaftOptions(int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum,
                          long maxMessageBytes, int maxInflightMessages, long maxInflightBytes,
                          long maxUncommittedBytes, long maxApplyBytes, boolean leaseReads, int leaseMarginTicks,
                          int quiesceTicks) {

    /** Defaults for a LAN: T = 10 ticks, heartbeat every tick, PreVote and CheckQuorum on, no lease reads, no quiescence. */
    public static final RaftOptions DEFAULTS = new RaftOptions(10, 1, true, true,
            1 << 20, 256, 32L << 20, 64L << 20, 4L << 20, false, 2, 0);

    /** The options without quiescence (the form before quiescence existed). */
    public RaftOptions(int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum,
                       long maxMessageBytes, int maxInflightMessages, long maxInflightBytes,
                       long maxUncommittedBytes, long maxApplyBytes, boolean leaseReads, int leaseMarginTicks) {
        this(electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes, maxInflightMessages, maxInflightBytes,
                maxUncommittedBytes, maxApplyBytes, leaseReads, leaseMarginTicks, 0);
    }

    /** The options without lease reads (the form before lease reads existed). */
    public RaftOptions(int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum,
                       long maxMessageBytes, int maxInflightMessages, long maxInflightBytes,
                       long maxUncommittedBytes, long maxApplyBytes) {
        this(electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes, maxInflightMessages, maxInflightBytes,
                maxUncommittedBytes, maxApplyBytes, false, 2, 0);
    }

    public RaftOptions {
        if (electionTicks < 2) throw new IllegalArgumentException("electionTicks must be >= 2");
        if (heartbeatTicks < 1 || heartbeatTicks >= electionTicks) {
            throw new IllegalArgumentException("heartbeatTicks must be in [1, electionTicks)");
        }
        if (leaseMarginTicks < 0 || leaseMarginTicks >= electionTicks) {
            throw new IllegalArgumentException("leaseMarginTicks must be in [0, electionTicks)");
        }
        if (leaseReads && !checkQuorum) {
            throw new IllegalArgumentException("lease reads need checkQuorum (a leader must step down when its lease cannot be renewed)");
        }
        if (quiesceTicks < 0) throw new IllegalArgumentException("quiesceTicks must be >= 0 (0: never quiesce)");
        if (quiesceTicks > 0 && !preVote) {
            // A follower awake beside its sleeping leader (it missed the quiesce request, restarted, or
            // woke on its own) times out; only PreVote keeps it from deposing the leader (thesis §9.6).
            throw new IllegalArgumentException("quiescence needs preVote (a member that times out beside a quiet leader must not depose it)");
        }
        if (maxMessageBytes < 1 || maxInflightMessages < 1 || maxInflightBytes < 1 || maxUncommittedBytes < 1 || maxApplyBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public RaftOptions withElectionTicks(int ticks, int heartbeat) {
        return new RaftOptions(ticks, heartbeat, preVote, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxApplyBytes, leaseReads, leaseMarginTicks, quiesceTicks);
    }

    public RaftOptions withPreVote(boolean on) {
        return new RaftOptions(electionTicks, heartbeatTicks, on, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxApplyBytes, leaseReads, leaseMarginTicks, quiesceTicks);
    }

    public RaftOptions withCheckQuorum(boolean on) {
        return new RaftOptions(electionTicks, heartbeatTicks, preVote, on, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxApplyBytes, leaseReads, leaseMarginTicks, quiesceTicks);
    }

    public RaftOptions withFlowControl(long messageBytes, int inflightMessages, long inflightBytes) {
        return new RaftOptions(electionTicks, heartbeatTicks, preVote, checkQuorum, messageBytes, inflightMessages,
                inflightBytes, maxUncommittedBytes, maxApplyBytes, leaseReads, leaseMarginTicks, quiesceTicks);
    }

    public RaftOptions withMaxUncommittedBytes(long bytes) {
        return new RaftOptions(electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, bytes, maxApplyBytes, leaseReads, leaseMarginTicks, quiesceTicks);
    }

    public RaftOptions withLeaseReads(boolean on) {
        return new RaftOptions(electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxApplyBytes, on, leaseMarginTicks, quiesceTicks);
    }

    /** These options with quiescence after {@code ticks} idle ticks (0: never). */
    public RaftOptions withQuiesceTicks(int ticks) {
        return new RaftOptions(electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxApplyBytes, leaseReads, leaseMarginTicks, ticks);
    }
}
