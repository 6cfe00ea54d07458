package dev.floe.raft.metrics.micrometer;

import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftEvent;
import dev.floe.raft.server.RaftListener;
import dev.floe.raft.server.ServerStatus;
import dev.floe.raft.storage.FileLogStorage;
import dev.floe.raft.transport.netty.NettyTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer meters for one {@link dev.floe.raft.server.RaftServer}, fed by its {@link RaftEvent}s:
 * <pre>{@code
 * RaftServer.builder()...listener(FloeMetrics.of(registry, "orders", id))...
 * }</pre>
 * Every meter is tagged {@code group} and {@code member}; the names (dots become underscores in
 * Prometheus, counters get {@code _total}, timers {@code _seconds}) are listed in
 * {@code docs/operations.md}. Add {@link #storage} and {@link #transport} for the file log's and
 * the Netty transport's counters. Meters update at the server's report (about once a second) and
 * on each event; nothing is recorded per log entry.
 */
public final class FloeMetrics implements RaftListener {
    private final MeterRegistry registry;
    private final Tags tags;

    private final AtomicLong term = new AtomicLong();
    private final AtomicLong leader = new AtomicLong();
    private final AtomicLong commitIndex = new AtomicLong();
    private final AtomicLong appliedIndex = new AtomicLong();
    private final AtomicLong lastIndex = new AtomicLong();
    private final AtomicLong snapshotIndex = new AtomicLong();
    private final AtomicLong voters = new AtomicLong();
    private final AtomicLong learners = new AtomicLong();
    private final Map<RaftEvent.RefusalReason, AtomicLong> refusals = new EnumMap<>(RaftEvent.RefusalReason.class);
    private final Map<NodeId, FollowerMeters> followers = new ConcurrentHashMap<>();
    private final Timer commitLatency;
    private final Counter leaderChanges;
    private final Counter membershipChanges;
    private final Counter fatalErrors;
    private final Timer snapshotTake;
    private final Timer snapshotInstall;

    private FloeMetrics(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        gauge("floe.raft.term", term, "the member's current term");
        gauge("floe.raft.leader", leader, "1 while this member leads, else 0");
        gauge("floe.raft.commit.index", commitIndex, "the highest log index known committed");
        gauge("floe.raft.applied.index", appliedIndex, "the highest index applied to the state machine");
        gauge("floe.raft.last.index", lastIndex, "the last index in the member's log");
        gauge("floe.raft.snapshot.index", snapshotIndex, "the last index covered by a snapshot");
        Gauge.builder("floe.raft.apply.lag", this, m -> Math.max(0, m.commitIndex.get() - m.appliedIndex.get()))
                .description("committed entries not yet applied").tags(tags).register(registry);
        Gauge.builder("floe.raft.members", voters, AtomicLong::get).description("members of the configuration in force")
                .tags(tags).tag("kind", "voter").register(registry);
        Gauge.builder("floe.raft.members", learners, AtomicLong::get).description("members of the configuration in force")
                .tags(tags).tag("kind", "learner").register(registry);
        for (RaftEvent.RefusalReason r : RaftEvent.RefusalReason.values()) {
            AtomicLong count = new AtomicLong();
            refusals.put(r, count);
            FunctionCounter.builder("floe.raft.proposals.refused", count, AtomicLong::get)
                    .description("proposals refused before entering the log").tags(tags).tag("reason", lower(r))
                    .register(registry);
        }
        commitLatency = Timer.builder("floe.raft.commit.latency").description("leader: from a proposal's append to its commit")
                .tags(tags).publishPercentileHistogram().register(registry);
        leaderChanges = Counter.builder("floe.raft.leader.changes").description("times the known leader changed")
                .tags(tags).register(registry);
        membershipChanges = Counter.builder("floe.raft.membership.changes").description("configuration changes taking effect")
                .tags(tags).register(registry);
        fatalErrors = Counter.builder("floe.raft.fatal.errors").description("errors that stopped the server")
                .tags(tags).register(registry);
        snapshotTake = Timer.builder("floe.raft.snapshot.take").description("writing a snapshot of the state machine")
                .tags(tags).register(registry);
        snapshotInstall = Timer.builder("floe.raft.snapshot.install").description("restoring the state machine from a received snapshot")
                .tags(tags).register(registry);
        for (RaftEvent.ElectionCause c : RaftEvent.ElectionCause.values()) elections(c); // visible at 0 from the start
    }

    /**
     * Meters for member {@code member} of Raft group {@code group}: pass the result to {@code RaftServer.Builder.listener}.
     *
     * @param registry where the meters are registered
     * @param group    the Raft group's name (tag {@code group})
     * @param member   this member (tag {@code member})
     * @return the listener that updates the meters
     */
    public static FloeMetrics of(MeterRegistry registry, String group, NodeId member) {
        return new FloeMetrics(registry, Tags.of("group", group, "member", member.value()));
    }

    /**
     * Also meters the file log's writes, batch sizes and fsync latency ({@code floe.storage.*}).
     *
     * @param log the member's file log
     * @return this
     */
    public FloeMetrics storage(FileLogStorage log) {
        StorageMeters.bind(registry, tags, log);
        return this;
    }

    /**
     * Also meters the transport's messages, bytes, drops and connections ({@code floe.transport.*}).
     *
     * @param transport the member's transport
     * @return this
     */
    public FloeMetrics transport(NettyTransport transport) {
        TransportMeters.bind(registry, tags, transport);
        return this;
    }

    @Override
    public void onEvent(RaftEvent event) {
        if (event instanceof RaftEvent.Report r) {
            report(r);
        } else if (event instanceof RaftEvent.RoleChanged r) {
            term.set(r.term());
            boolean wasLeader = leader.getAndSet(r.role() == ServerStatus.Role.LEADER ? 1 : 0) == 1;
            if (wasLeader && r.role() != ServerStatus.Role.LEADER) dropFollowers(List.of());
            if (r.leader().isPresent()) leaderChanges.increment();
        } else if (event instanceof RaftEvent.ElectionStarted e) {
            elections(e.cause()).increment();
        } else if (event instanceof RaftEvent.MembershipChanged) {
            membershipChanges.increment();
        } else if (event instanceof RaftEvent.SnapshotTaken s) {
            snapshotTake.record(s.durationNanos(), TimeUnit.NANOSECONDS);
        } else if (event instanceof RaftEvent.SnapshotInstalled s) {
            snapshotInstall.record(s.durationNanos(), TimeUnit.NANOSECONDS);
        } else if (event instanceof RaftEvent.SnapshotTransfer t) {
            if (t.state() == RaftEvent.TransferState.DONE || t.state() == RaftEvent.TransferState.FAILED) {
                Timer.builder("floe.raft.snapshot.transfer").description("streaming a snapshot to or from a peer")
                        .tags(tags).tag("direction", lower(t.direction())).tag("outcome", lower(t.state()))
                        .register(registry).record(t.elapsedNanos(), TimeUnit.NANOSECONDS);
                Counter.builder("floe.raft.snapshot.transferred").baseUnit("bytes").description("snapshot bytes streamed")
                        .tags(tags).tag("direction", lower(t.direction())).register(registry).increment(t.doneBytes());
            }
        } else if (event instanceof RaftEvent.FatalError) {
            fatalErrors.increment();
        }
    }

    private void report(RaftEvent.Report r) {
        ServerStatus s = r.status();
        term.set(s.term());
        leader.set(s.isLeader() ? 1 : 0);
        commitIndex.set(s.commitIndex());
        appliedIndex.set(s.appliedIndex());
        lastIndex.set(s.lastLogIndex());
        snapshotIndex.set(s.snapshotIndex());
        voters.set(s.config().voters().size());
        learners.set(s.config().learners().size());
        r.refusals().forEach((reason, count) -> refusals.get(reason).set(count));
        for (long nanos : r.commitLatencies()) commitLatency.record(nanos, TimeUnit.NANOSECONDS);
        s.followers().forEach((peer, f) -> followers.computeIfAbsent(peer, this::followerMeters).set(f));
        dropFollowers(s.followers().keySet());
    }

    /** Removes the per-follower gauges of members no longer followed (not leading, or removed). */
    private void dropFollowers(java.util.Collection<NodeId> keep) {
        for (NodeId peer : new ArrayList<>(followers.keySet())) {
            if (!keep.contains(peer)) followers.remove(peer).meters.forEach(registry::remove);
        }
    }

    private FollowerMeters followerMeters(NodeId peer) {
        FollowerMeters m = new FollowerMeters();
        Tags t = tags.and("peer", peer.value());
        m.meters.add(Gauge.builder("floe.raft.follower.match.index", m.match, AtomicLong::get)
                .description("leader: the highest index known replicated on the follower").tags(t).register(registry));
        m.meters.add(Gauge.builder("floe.raft.follower.lag", m.lag, AtomicLong::get)
                .description("leader: entries of its log the follower is missing").tags(t).register(registry));
        return m;
    }

    private Counter elections(RaftEvent.ElectionCause cause) {
        return Counter.builder("floe.raft.elections").description("elections (or pre-votes) this member started")
                .tags(tags).tag("cause", lower(cause)).register(registry);
    }

    private void gauge(String name, AtomicLong value, String description) {
        Gauge.builder(name, value, AtomicLong::get).description(description).tags(tags).register(registry);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** One follower's gauges, removed together. */
    private static final class FollowerMeters {
        final AtomicLong match = new AtomicLong();
        final AtomicLong lag = new AtomicLong();
        final List<Meter> meters = new ArrayList<>();

        void set(ServerStatus.Follower f) {
            match.set(f.matchIndex());
            lag.set(f.lag());
        }
    }
}
