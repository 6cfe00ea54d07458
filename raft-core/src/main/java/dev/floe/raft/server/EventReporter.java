package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the server's threads see into {@link RaftEvent}s for its {@link RaftListener}s. Most
 * events come from diffing the {@link ServerStatus} the consensus thread publishes after every pass
 * (role, term, leader, configuration, follower lag), so the runtime only calls {@link #published},
 * plus one line where a snapshot, a refusal or a fatal error happens. Without listeners no event
 * is built; progress log lines (snapshot transfers, follower catch-up) are written either way.
 */
final class EventReporter {
    private static final Logger LOG = LoggerFactory.getLogger(EventReporter.class);
    static final long REPORT_NANOS = 1_000_000_000L;
    /** How often a long transfer or a catch-up writes a progress line. */
    static final long PROGRESS_LOG_NANOS = 5_000_000_000L;
    private static final long ERROR_LOG_NANOS = 10_000_000_000L;

    private final NodeId member;
    private final List<RaftListener> listeners;
    private final boolean active;

    // Consensus thread only.
    private ServerStatus.Role lastRole;
    private long lastTerm = -1;
    private Optional<NodeId> lastLeader = Optional.empty();
    private Optional<NodeId> lastKnownLeader = Optional.empty();
    private ClusterConfig lastConfig;
    private final long[] refusals = new long[RaftEvent.RefusalReason.values().length];
    private final CommitLatencySampler latencies = new CommitLatencySampler();
    private final Clock clock;
    private long nextReportNanos;
    private long nextCatchUpLogNanos;
    private final Map<NodeId, Boolean> catchingUp = new HashMap<>();

    /** Set by a transport thread when TimeoutNow arrives; read and cleared by the consensus thread. */
    private volatile boolean transferRequested;
    private volatile long lastErrorLogNanos;

    EventReporter(NodeId member, List<RaftListener> listeners, Clock clock) {
        this.member = member;
        this.clock = clock;
        this.nextReportNanos = clock.nanoTime();
        this.nextCatchUpLogNanos = nextReportNanos;
        this.lastErrorLogNanos = nextReportNanos - ERROR_LOG_NANOS;
        this.listeners = List.copyOf(listeners);
        this.active = !listeners.isEmpty();
    }

    /** The server's clock: durations in events are measured on it (simulated time in the simulator). */
    Clock clock() {
        return clock;
    }

    NodeId member() {
        return member;
    }

    /** Any thread: builds the event only when someone listens, and hands it to every listener. */
    void fire(Supplier<RaftEvent> event) {
        if (!active) return;
        RaftEvent e = event.get();
        for (RaftListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                long now = clock.nanoTime();
                if (now - lastErrorLogNanos >= ERROR_LOG_NANOS) { // rate-limited: a broken listener must not flood the log
                    lastErrorLogNanos = now;
                    LOG.warn("{}: listener {} failed on {}", member, l, e.getClass().getSimpleName(), ex);
                }
            }
        }
    }

    /** Transport thread: a TimeoutNow arrived, so the next campaign is a leadership transfer (thesis §3.10). */
    void transferRequested() {
        transferRequested = true;
    }

    /** Consensus thread: a proposal was refused before entering the log. */
    void refused(RaftEvent.RefusalReason reason) {
        refusals[reason.ordinal()]++;
    }

    /** Consensus thread, after every pass: the status it just published. */
    void published(ServerStatus s) {
        long now = clock.nanoTime();
        if (s.role() != lastRole || s.term() != lastTerm || !s.leader().equals(lastLeader)) changed(s);
        if (lastConfig != s.config() && (lastConfig == null || !lastConfig.equals(s.config()))) {
            ClusterConfig previous = lastConfig == null ? s.config() : lastConfig;
            if (lastConfig != null) fire(() -> new RaftEvent.MembershipChanged(member, s.term(), s.config(), previous));
            lastConfig = s.config();
        }
        if (active && s.isLeader()) latencies.onPass(s.lastLogIndex(), s.commitIndex(), now);
        if (now - nextReportNanos >= 0) {
            nextReportNanos = now + REPORT_NANOS;
            catchUp(s, now);
            fire(() -> new RaftEvent.Report(member, s, refusalCounts(), latencies.drain()));
        }
    }

    private void changed(ServerStatus s) {
        ServerStatus.Role before = lastRole;
        boolean campaigning = s.role() == ServerStatus.Role.PRE_CANDIDATE || s.role() == ServerStatus.Role.CANDIDATE;
        if (campaigning && before != null) {
            RaftEvent.ElectionCause cause = null;
            if (before == ServerStatus.Role.FOLLOWER || before == ServerStatus.Role.LEADER) {
                cause = transferRequested ? RaftEvent.ElectionCause.LEADERSHIP_TRANSFER
                        : lastKnownLeader.isPresent() ? RaftEvent.ElectionCause.LEADER_SILENT : RaftEvent.ElectionCause.NO_LEADER;
            } else if (before == s.role() && s.term() > lastTerm) {
                cause = RaftEvent.ElectionCause.SPLIT_VOTE;
            } // PRE_CANDIDATE -> CANDIDATE continues the campaign already reported
            if (cause != null) {
                RaftEvent.ElectionCause c = cause;
                Optional<NodeId> previous = lastKnownLeader;
                long term = s.role() == ServerStatus.Role.PRE_CANDIDATE ? s.term() + 1 : s.term();
                fire(() -> new RaftEvent.ElectionStarted(member, term, c, previous));
            }
        }
        if (!campaigning) transferRequested = false;
        if (s.role() != before && active) latencies.reset(s.lastLogIndex());
        fire(() -> new RaftEvent.RoleChanged(member, s.term(), s.role(), s.leader(),
                before == null ? ServerStatus.Role.FOLLOWER : before));
        lastRole = s.role();
        lastTerm = s.term();
        lastLeader = s.leader();
        lastKnownLeader = s.leader().isPresent() ? s.leader() : lastKnownLeader;
        if (!s.isLeader()) catchingUp.clear();
    }

    /** Leader: followers {@link RaftEvent#CATCH_UP_LAG} or more behind, reported and logged as they catch up. */
    private void catchUp(ServerStatus s, long now) {
        if (!s.isLeader()) return;
        boolean log = now - nextCatchUpLogNanos >= 0;
        for (Map.Entry<NodeId, ServerStatus.Follower> f : s.followers().entrySet()) {
            NodeId peer = f.getKey();
            long match = f.getValue().matchIndex();
            boolean behind = f.getValue().lag() >= RaftEvent.CATCH_UP_LAG;
            if (behind) {
                boolean first = catchingUp.put(peer, Boolean.TRUE) == null;
                if (first || log) {
                    LOG.info("{} [term {}] follower {} catching up: {} of {} entries ({} behind)", member, s.term(), peer,
                            match, s.lastLogIndex(), f.getValue().lag());
                    fire(() -> new RaftEvent.CatchUp(member, peer, match, s.lastLogIndex(), false));
                }
            } else if (catchingUp.remove(peer) != null) {
                LOG.info("{} [term {}] follower {} caught up at {}", member, s.term(), peer, match);
                fire(() -> new RaftEvent.CatchUp(member, peer, match, s.lastLogIndex(), true));
            }
        }
        catchingUp.keySet().retainAll(s.followers().keySet());
        if (log) nextCatchUpLogNanos = now + PROGRESS_LOG_NANOS;
    }

    private Map<RaftEvent.RefusalReason, Long> refusalCounts() {
        Map<RaftEvent.RefusalReason, Long> counts = new EnumMap<>(RaftEvent.RefusalReason.class);
        for (RaftEvent.RefusalReason r : RaftEvent.RefusalReason.values()) counts.put(r, refusals[r.ordinal()]);
        return counts;
    }

    /** Applier thread: a snapshot was written. */
    void snapshotTaken(long index, long bytes, long durationNanos) {
        fire(() -> new RaftEvent.SnapshotTaken(member, index, bytes, durationNanos));
    }

    /** Applier thread: the state machine was restored from a received snapshot. */
    void snapshotInstalled(long index, long bytes, long durationNanos) {
        fire(() -> new RaftEvent.SnapshotInstalled(member, index, bytes, durationNanos));
    }

    /** A snapshot transfer begins; its thread reports progress on the result. */
    SnapshotProgress transfer(NodeId peer, RaftEvent.Direction direction, long index, long term, long totalBytes) {
        return new SnapshotProgress(this, peer, direction, index, term, totalBytes, clock);
    }

    /** Any thread: the server stops after {@code cause}. */
    void fatal(String what, Throwable cause) {
        fire(() -> new RaftEvent.FatalError(member, what, cause));
    }
}
