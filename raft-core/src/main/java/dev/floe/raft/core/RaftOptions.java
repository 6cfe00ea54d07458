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
 */
public record RaftOptions(int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum,
                          long maxMessageBytes, int maxInflightMessages, long maxInflightBytes,
                          long maxUncommittedBytes, long maxApplyBytes) {

    /** Defaults for a LAN: T = 10 ticks, heartbeat every tick, PreVote and CheckQuorum on. */
    public static final RaftOptions DEFAULTS = new RaftOptions(10, 1, true, true,
            1 << 20, 256, 32L << 20, 64L << 20, 4L << 20);

    public RaftOptions {
        if (electionTicks < 2) throw new IllegalArgumentException("electionTicks must be >= 2");
        if (heartbeatTicks < 1 || heartbeatTicks >= electionTicks) {
            throw new IllegalArgumentException("heartbeatTicks must be in [1, electionTicks)");
        }
        if (maxMessageBytes < 1 || maxInflightMessages < 1 || maxInflightBytes < 1 || maxUncommittedBytes < 1 || maxApplyBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public RaftOptions withElectionTicks(int ticks, int heartbeat) {
        return new RaftOptions(ticks, heartbeat, preVote, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxApplyBytes);
    }

    public RaftOptions withPreVote(boolean on) {
        return new RaftOptions(electionTicks, heartbeatTicks, on, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxApplyBytes);
    }

    public RaftOptions withCheckQuorum(boolean on) {
        return new RaftOptions(electionTicks, heartbeatTicks, preVote, on, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxApplyBytes);
    }

    public RaftOptions withFlowControl(long messageBytes, int inflightMessages, long inflightBytes) {
        return new RaftOptions(electionTicks, heartbeatTicks, preVote, checkQuorum, messageBytes, inflightMessages,
                inflightBytes, maxUncommittedBytes, maxApplyBytes);
    }

    public RaftOptions withMaxUncommittedBytes(long bytes) {
        return new RaftOptions(electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, bytes, maxApplyBytes);
    }
}
