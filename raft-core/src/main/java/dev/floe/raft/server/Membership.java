package dev.floe.raft.server;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.LogReader;
import dev.floe.raft.MembershipChangeException;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.Transport;
import dev.floe.raft.core.ConfigEntry;
import dev.floe.raft.core.ProposeResult;
import dev.floe.raft.core.RaftNode;
import dev.floe.raft.core.Ready;
import dev.floe.raft.core.Role;
import dev.floe.raft.core.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of membership changes and leadership transfers: takes requests from any
 * thread, drives them on the consensus thread through the core ({@code proposeConfig},
 * {@code transferLeadership}), keeps the address book and the transport's peers in step with the
 * configuration in force, and completes each request's future when its change is committed.
 *
 * <p>Threads: {@link #submit}, {@link #clients()}, {@link #config()} and {@link #failQueued} from any
 * thread; everything else from the consensus thread. Requests are picked up on the consensus
 * thread's next pass (at the latest after one tick).
 */
final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    /** Catch-up rounds before a promotion is given up (thesis §4.2.1 suggests a fixed number, such as 10). */
    static final int MAX_CATCH_UP_ROUNDS = 10;

    private final NodeId self;
    private final ClusterConfig bootstrap;
    private final ConcurrentLinkedQueue<MembershipRequest> queue = new ConcurrentLinkedQueue<>();
    /** The configuration in force and its addresses; written by the consensus thread, read anywhere. */
    private volatile MembershipBook book;
    private volatile ClusterConfig config;

    private RaftServerOptions options;
    private MembershipCallbacks callbacks;
    private MembershipPeers peers;
    private TransferTracker transfers;
    private StatusBoard statusBoard;
    private Clock clock;
    private MembershipChange active;
    /** Whether a configuration in force ever included this server (a joining one replays older ones first). */
    private boolean wasMember;

    Membership(NodeId self, ClusterConfig bootstrap, MembershipBook book) {
        this.self = self;
        this.bootstrap = bootstrap;
        this.book = book;
        this.config = bootstrap;
    }

    /** The members the server was built with, as the core's initial configuration. */
    ClusterConfig bootstrap() {
        return bootstrap;
    }

    /** The members in force and their client addresses. Any thread. */
    Map<NodeId, Endpoint> clients() {
        return book.clients();
    }

    /** The configuration in force. Any thread. */
    ClusterConfig config() {
        return config;
    }

    /** Queues {@code request} for the consensus thread. Any thread; the caller checked the server runs. */
    void submit(MembershipRequest request) {
        queue.add(request);
    }

    /**
     * Before {@link #start}: the addresses that travelled in the snapshot the server restarts from
     * (the CONFIG entries that carried them may be compacted away).
     */
    void restoreFromSnapshot(ConfigEntry snapshotConfig) {
        book = book.merge(decode(snapshotConfig), snapshotConfig.config());
    }

    /**
     * Before the transport starts: recovers the address book from the CONFIG entries in the log
     * (the latest configuration wins, thesis §4.1), tells the transport where the members are, and
     * publishes the membership.
     */
    void start(RaftNode node, LogReader log, Transport transport, Executor executor,
               BiFunction<Optional<NodeId>, String, NotLeaderException> notLeader, RaftServerOptions opts,
               StatusBoard board, Clock clock) {
        this.options = opts;
        this.clock = clock;
        this.callbacks = new MembershipCallbacks(executor, notLeader);
        this.peers = new MembershipPeers(self, transport);
        this.transfers = new TransferTracker(callbacks);
        this.statusBoard = board;
        MembershipBook recovered = book;
        for (long next = log.firstIndex(), last = log.lastIndex(); next <= last; ) {
            List<Entry> batch = log.entries(next, last + 1, 4L << 20);
            for (Entry e : batch) {
                if (e.type() != EntryType.CONFIG) continue;
                ConfigEntry ce = ConfigEntry.decode(e.index(), e.data());
                recovered = recovered.merge(decode(ce), ce.config());
            }
            next = batch.get(batch.size() - 1).index() + 1;
        }
        inForce(node.config(), recovered.merge(MembershipBook.EMPTY, node.config()), 0);
        if (!node.config().contains(self)) {
            LOG.info("{} [term {}] is not in the configuration {}: it waits for the leader to add it", self, node.term(), node.config());
        }
    }

    // ------------------------------------------------------------------ consensus thread

    /** Each pass: take queued requests, advance the change in progress. */
    /** Whether a change is under way or queued: its deadline needs the loop's timer. */
    boolean busy() {
        return active != null || !queue.isEmpty();
    }

    void onPass(RaftNode node, long now) {
        for (MembershipRequest r; (r = queue.poll()) != null; ) {
            if (r instanceof MembershipRequest.Transfer t) {
                transfers.start(node, t);
            } else {
                handle(node, (MembershipRequest.Change) r, now);
            }
        }
        if (active == null) return;
        if (active.phase == MembershipChange.Phase.CATCHING_UP) {
            catchUp(node, now);
        } else if (now - active.deadline >= 0) {
            MembershipChange c = active;
            active = null;
            callbacks.fail(c.request, new OutcomeUnknownException("the membership " + c + " proposed by " + self
                    + " did not commit within " + options.requestTimeout().toMillis() + " ms; it may still"));
        }
    }

    /** Each Ready, before its messages are sent: new configuration, committed changes, transfer outcome. */
    void onReady(RaftNode node, Ready rd) {
        rd.config().ifPresent(ce -> inForce(ce.config(), book.merge(decode(ce), ce.config()), ce.index()));
        long lastCommitted = 0;
        for (Entry e : rd.committedEntries()) {
            lastCommitted = e.index();
            if (e.type() == EntryType.CONFIG) committed(node, ConfigEntry.decode(e.index(), e.data()), e.term());
        }
        if (lastCommitted > 0) peers.committed(lastCommitted);
        rd.transfer().ifPresent(t -> transfers.finished(node, t));
    }

    /** The consensus thread stops: every request it holds fails. */
    void close(RuntimeException notTaken, RuntimeException unknown) {
        failQueued(notTaken);
        if (active != null) {
            callbacks.fail(active.request, active.phase == MembershipChange.Phase.CATCHING_UP ? notTaken : unknown);
            active = null;
        }
        if (transfers != null) transfers.failAll(notTaken);
    }

    /** Fails requests not yet taken by the consensus thread. Any thread. */
    void failQueued(RuntimeException failure) {
        for (MembershipRequest r; (r = queue.poll()) != null; ) r.future().completeExceptionally(failure);
    }

    private void handle(RaftNode node, MembershipRequest.Change request, long now) {
        if (active != null) {
            callbacks.fail(request, new MembershipChangeException(MembershipChangeException.Reason.CHANGE_IN_PROGRESS,
                    "the " + active + " is not finished"));
            return;
        }
        if (node.role() != Role.LEADER) {
            callbacks.fail(request, callbacks.notLeader(node.leader(), "membership change refused"));
            return;
        }
        ClusterConfig cfg = node.config();
        if (cfg.isJoint()) {
            callbacks.fail(request, new MembershipChangeException(MembershipChangeException.Reason.CHANGE_IN_PROGRESS,
                    "the joint configuration " + cfg + " is being left"));
            return;
        }
        try {
            if (request instanceof MembershipRequest.AddLearner a) {
                propose(node, request, MembershipPlanner.addLearner(cfg, book, a.member()), now,
                        a.thenPromote() ? Optional.of(a.member().id()) : Optional.empty());
            } else if (request instanceof MembershipRequest.Promote p) {
                MembershipPlanner.checkPromotable(cfg, p.id());
                active = MembershipChange.catchingUp(request, p.id());
            } else if (request instanceof MembershipRequest.Remove r) {
                propose(node, request, MembershipPlanner.remove(cfg, book, r.id()), now, Optional.empty());
            } else if (request instanceof MembershipRequest.Replace r) {
                propose(node, request, MembershipPlanner.replace(cfg, book, r.voters(), r.learners()), now, Optional.empty());
            }
        } catch (MembershipChangeException e) {
            callbacks.fail(request, e);
        }
    }

    private void propose(RaftNode node, MembershipRequest.Change request, MembershipPlanner.Plan plan, long now,
                         Optional<NodeId> promoteAfter) {
        ProposeResult result = node.proposeConfig(plan.target(), MembershipCodec.encode(plan.book()));
        if (result instanceof ProposeResult.Accepted a) {
            LOG.info("{} [term {}] proposed membership {} at index {}", self, node.term(), plan.target(), a.index());
            active = MembershipChange.proposed(request, a.index(), a.term(), now + options.requestTimeout().toNanos(), promoteAfter);
            return;
        }
        active = null;
        ProposeResult.Rejected r = (ProposeResult.Rejected) result;
        callbacks.fail(request, switch (r.reason()) {
            case NOT_LEADER -> callbacks.notLeader(r.leaderHint(), "membership change refused");
            case LEADERSHIP_TRANSFER -> new MembershipChangeException(MembershipChangeException.Reason.CHANGE_IN_PROGRESS,
                    "a leadership transfer is in progress");
            case CONFIG_CHANGE_IN_PROGRESS -> new MembershipChangeException(MembershipChangeException.Reason.CHANGE_IN_PROGRESS, r.detail());
            case INVALID_CONFIG_CHANGE -> new MembershipChangeException(MembershipChangeException.Reason.INVALID, r.detail());
            case BACKPRESSURE -> new BackpressureException(self + " has too many uncommitted bytes; retry later");
        });
    }

    /** Thesis §4.2.1: promote a learner only once a catch-up round took less than an election timeout. */
    private void catchUp(RaftNode node, long now) {
        MembershipChange c = active;
        if (node.role() != Role.LEADER) {
            active = null;
            callbacks.fail(c.request, callbacks.notLeader(node.leader(), "promotion of " + c.learner
                    + " abandoned: leadership moved; it stays a learner, promote it at the leader"));
            return;
        }
        if (!node.config().learners().contains(c.learner)) {
            active = null;
            callbacks.fail(c.request, MembershipPlanner.invalid(c.learner + " is no longer a learner in " + node.config()));
            return;
        }
        if (c.rounds == 0) c.startRound(node.lastIndex(), now);
        Status.FollowerStatus f = node.status().followers().get(c.learner);
        long match = f == null ? 0 : f.matchIndex();
        long electionTimeout = options.tickInterval().toNanos() * options.electionTicks();
        if (match >= c.roundTarget) {
            if (now - c.roundStart <= electionTimeout) {
                LOG.info("{} [term {}] learner {} caught up (round {}, match {}); promoting it", self, node.term(), c.learner, c.rounds, match);
                active = null;
                propose(node, c.request, MembershipPlanner.promote(node.config(), book, c.learner), now, Optional.empty());
            } else if (c.rounds >= MAX_CATCH_UP_ROUNDS) {
                active = null;
                callbacks.fail(c.request, new MembershipChangeException(MembershipChangeException.Reason.NOT_CAUGHT_UP,
                        c.learner + " still needed more than an election timeout per round after " + c.rounds + " rounds; it stays a learner"));
            } else {
                c.startRound(node.lastIndex(), now);
            }
        } else if (now - c.roundStart > options.requestTimeout().toNanos()) {
            active = null;
            callbacks.fail(c.request, new MembershipChangeException(MembershipChangeException.Reason.NOT_CAUGHT_UP,
                    c.learner + " replicated only up to " + match + " of " + c.roundTarget + " within "
                            + options.requestTimeout().toMillis() + " ms; it stays a learner"));
        }
    }

    private void committed(RaftNode node, ConfigEntry ce, long entryTerm) {
        if (wasMember && !ce.config().isJoint() && !ce.config().contains(self) && !config.contains(self)) {
            LOG.info("{} [term {}] is no longer a member: configuration {} (entry {}) is committed; it can be shut down",
                    self, node.term(), ce.config(), ce.index());
        }
        MembershipChange c = active;
        if (c == null) return;
        if (c.phase == MembershipChange.Phase.PROPOSED && ce.index() == c.index) {
            if (entryTerm != c.term) {
                active = null;
                callbacks.fail(c.request, callbacks.notLeader(node.leader(), "the membership change at index " + c.index
                        + " of term " + c.term + " was replaced by an entry of term " + entryTerm + " before it committed, so it was not applied"));
            } else if (ce.config().isJoint()) {
                c.phase = MembershipChange.Phase.LEAVING_JOINT;
                c.deadline = clock.nanoTime() + options.requestTimeout().toNanos();
            } else {
                done(c, ce.config());
            }
        } else if (c.phase == MembershipChange.Phase.LEAVING_JOINT && ce.index() > c.index && !ce.config().isJoint()) {
            done(c, ce.config());
        }
    }

    private void done(MembershipChange c, ClusterConfig committed) {
        active = null;
        if (c.promoteAfter.isPresent()) {
            active = MembershipChange.catchingUp(c.request, c.promoteAfter.get());
            return;
        }
        LOG.info("{} membership change committed: {}", self, committed);
        callbacks.complete(c.request, committed);
    }

    private void inForce(ClusterConfig cfg, MembershipBook addresses, long index) {
        if (cfg.contains(self)) wasMember = true;
        book = addresses;
        config = cfg;
        peers.update(cfg, addresses, index);
        statusBoard.membership(addresses.clients(), cfg);
    }

    private MembershipBook decode(ConfigEntry ce) {
        try {
            return MembershipCodec.decode(ce.context());
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: configuration entry {} carries no readable address book ({}); keeping the known addresses", self, ce.index(), e.getMessage());
            return MembershipBook.EMPTY;
        }
    }
}
