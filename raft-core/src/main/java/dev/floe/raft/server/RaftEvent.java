package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link RaftServer} reports to its {@link RaftListener}s: changes as they happen (role,
 * elections, membership, snapshots, a fatal error) and a periodic {@link Report} of its progress.
 * Every event names the {@link #member()} that reports it.
 */
public sealed interface RaftEvent {

    /** {@return the member reporting the event} */
    NodeId member();

    /** Its role, term or leader changed (Raft paper §5.2). */
    record RoleChanged(NodeId member, long term, ServerStatus.Role role, Optional<NodeId> leader,
                       ServerStatus.Role previousRole) implements RaftEvent {
    }

    /** It started a (pre-)election for {@code term} (the term a pre-vote asks about), and why. */
    record ElectionStarted(NodeId member, long term, ElectionCause cause, Optional<NodeId> previousLeader)
            implements RaftEvent {
    }

    /** Why a member campaigns. */
    enum ElectionCause {
        /** It followed a leader that went silent for an election timeout (paper §5.2). */
        LEADER_SILENT,
        /** It knew no leader for an election timeout (start-up, or after a lost election). */
        NO_LEADER,
        /** Its previous election in the same role ended without a winner (a split vote, paper §5.2). */
        SPLIT_VOTE,
        /** The leader handed leadership over to it with TimeoutNow (thesis §3.10). */
        LEADERSHIP_TRANSFER
    }

    /** The configuration in force changed (thesis §4): who votes, who learns. */
    record MembershipChanged(NodeId member, long term, ClusterConfig config, ClusterConfig previous) implements RaftEvent {
    }

    /** It wrote a snapshot of its state machine at {@code index} (paper §7). */
    record SnapshotTaken(NodeId member, long index, long bytes, long durationNanos) implements RaftEvent {
    }

    /** Its state machine was replaced by a snapshot received from the leader (paper §7). */
    record SnapshotInstalled(NodeId member, long index, long bytes, long durationNanos) implements RaftEvent {
    }

    /**
     * A snapshot streaming to ({@link Direction#SENDING}, on the leader) or from
     * ({@link Direction#RECEIVING}) {@code peer}: reported when it starts, every few seconds while
     * it runs, and when it ends. {@code totalBytes} is -1 where unknown (a receiver learns the size
     * only at the end).
     */
    record SnapshotTransfer(NodeId member, NodeId peer, Direction direction, long index, long doneBytes,
                            long totalBytes, TransferState state, long elapsedNanos) implements RaftEvent {
    }

    /** Which way a snapshot transfer goes. */
    enum Direction {
        /** This member sends the snapshot (it leads). */
        SENDING,
        /** This member receives the snapshot from the leader. */
        RECEIVING
    }

    /** Where a transfer is. */
    enum TransferState {
        /** The first chunk is on its way. */
        STARTED,
        /** Chunks are flowing. */
        IN_PROGRESS,
        /** The snapshot arrived whole and was installed or acknowledged. */
        DONE,
        /** The transfer stopped without completing; it may be started again. */
        FAILED
    }

    /**
     * On the leader, a follower is far behind ({@link #CATCH_UP_LAG} entries or more) and being
     * brought up to date: reported every few seconds while it is, and once when it has caught up
     * ({@code caughtUp}).
     */
    record CatchUp(NodeId member, NodeId peer, long matchIndex, long leaderLastIndex, boolean caughtUp)
            implements RaftEvent {
    }

    /** Entries of lag from which a follower counts as catching up. */
    long CATCH_UP_LAG = 100;

    /** The server stopped after an error it cannot continue after. */
    record FatalError(NodeId member, String what, Throwable cause) implements RaftEvent {
    }

    /**
     * The periodic report (about once a second while running): the latest status, the cumulative
     * count of refused proposals by reason, and the commit latencies (leader: from a proposal's
     * append to its commit, paper §5.3) sampled since the previous report.
     *
     * @param member          the reporting member
     * @param status          its status
     * @param refusals        proposals refused since start, by reason
     * @param commitLatencies nanoseconds from append to commit of sampled entries since the previous
     *                        report (on the leader; at most {@link #MAX_LATENCY_SAMPLES})
     */
    record Report(NodeId member, ServerStatus status, Map<RefusalReason, Long> refusals, long[] commitLatencies)
            implements RaftEvent {
        /**
         * Copies the refusal counts.
         *
         * @param member          the reporting member
         * @param status          its status
         * @param refusals        proposals refused since start, by reason
         * @param commitLatencies nanoseconds from append to commit of sampled entries since the previous report (on the leader; at most {@link #MAX_LATENCY_SAMPLES})
         */
        public Report {
            refusals = Map.copyOf(refusals);
        }
    }

    /** Commit latencies a {@link Report} carries at most. */
    int MAX_LATENCY_SAMPLES = 1024;

    /** Why a proposal was refused before it entered the log. */
    enum RefusalReason {
        /** Not the leader. */
        NOT_LEADER,
        /** Leadership is being handed over (thesis §3.10). */
        LEADERSHIP_TRANSFER,
        /** Too many uncommitted bytes in the leader's log. */
        UNCOMMITTED_BYTES,
        /** Too many committed entries waiting for the state machine. */
        APPLY_BACKLOG,
        /** A membership rule refused it. */
        MEMBERSHIP
    }
}
