package dev.floe.raft.server;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.LogReader;
import dev.floe.raft.MembershipChangeException;
import dev.floe.raft.NodeId;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.core.ConfigEntry;
import dev.floe.raft.core.ProposeResult;
import dev.floe.raft.core.RaftNode;
import dev.floe.raft.core.Ready;
import dev.floe.raft.core.Role;
import dev.floe.raft.core.Status;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of membership changes and leadership transfers: takes requests from any
 * thread, drives them on the consensus thread through the core ({@code proposeConfig},
 * {@code transferLeadership}), keeps the address book and the transport's peers in step with the
 * configuration in force, and completes each request's future when its change is committed.
 *
 * <p>Built when the server starts, with the {@link MembershipState} the server's API reads and
 * queues requests on; everything here runs on the consensus thread. Requests are picked up on the
 * consensus thread's next pass (at the latest after one tick).
 */
final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    /** Catch-up rounds before a promotion is given up (thesis §4.2.1 suggests a fixed number, such as 10). */
    static final int MAX_CATCH_UP_ROUNDS = 10;

    private final NodeId self;
    private final MembershipState state;
    private final RaftServerOptions options;
    private final MembershipCallbacks callbacks;
    private final MembershipPeers peers;
    private final TransferTracker transfers;
    private final StatusBoard statusBoard;
    private final Clock clock;
    private MembershipChange active;
    /** Whether a configuration in force ever included this server (a joining one replays older ones first). */
    private boolean wasMember;

    /**
     * @param state       the membership in force and the queued requests, shared with the server's API
     * @param callbacks   completes the requests' futures off the consensus thread
     * @param peers       keeps the transport's peers in step with the configuration
     * @param statusBoard where the membership in force is published
     * @param options     the request timeout and election timing (catch-up rounds)
     * @param clock       the runtime's clock
     */
    Membership(MembershipState state, MembershipCallbacks callbacks, MembershipPeers peers, StatusBoard statusBoard,
               RaftServerOptions options, Clock clock) {
        this.self = state.self();
        this.state = state;
        this.callbacks = callbacks;
        this.peers = peers;
        this.transfers = new TransferTracker(callbacks);
        this.statusBoard = statusBoard;
        this.options = options;
        this.clock = clock;
    }

    /** A snapshot's addresses join the book (see {@link MembershipState#restoreFromSnapshot}). */
    void restoreFromSnapshot(ConfigEntry snapshotConfig) {
        state.restoreFromSnapshot(snapshotConfig);
    }

    /**
     * Before the transport starts: recovers the address book from the CONFIG entries in the log
     * (the latest configuration wins, thesis §4.1), tells the transport where the members are, and
     * publishes the membership.
     */
    void recover(RaftNode node, LogReader log) {
        MembershipBook recovered = state.book();
        for (long next = log.firstIndex(), last = log.lastIndex(); next <= last; ) {
            List<Entry> batch = log.entries(next, last + 1, 4L << 20);
            for (Entry e : batch) {
                if (e.type() != EntryType.CONFIG) continue;
                ConfigEntry ce = ConfigEntry.decode(e.index(), e.data());
                recovered = recovered.merge(state.decode(ce), ce.config());
            }
            next = batch.get(batch.size() - 1).index() + 1;
        }
        inForce(node.config(), recovered.merge(MembershipBook.EMPTY, node.config()), 0);
        if (!node.config().contains(self)) {
            LOG.info("{} [term {}] is not in the configuration {}: it waits for the leader to add it", self, node.term(), node.config());
        }
    }

    // ------------------------------------------------------------------ consensus thread

    /** Whether a change is under way or queued: its deadline needs the loop's timer. */
    boolean busy() {
        return active != null || state.hasQueued();
    }

    /** Each pass: take queued requests, advance the change in progress. */
    void onPass(RaftNode node, long now) {
        for (MembershipRequest r; (r = state.poll()) != null; ) {
            if (r instanceof MembershipRequest.Transfer t) {
                transfers.start(node, t);
            } else {
                handle(node, (MembershipRequest.Change) r, now);
            }
        }
        if (active == null) return;
        if (active.phase == MembershipChange.Phase.AWAITING_FIRST_COMMIT) {
            awaitFirstCommit(node, now);
        } else if (active.phase == MembershipChange.Phase.CATCHING_UP) {
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
        rd.config().ifPresent(ce -> inForce(ce.config(), state.book().merge(state.decode(ce), ce.config()), ce.index()));
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
        state.failQueued(notTaken);
        if (active != null) {
            boolean proposed = active.phase == MembershipChange.Phase.PROPOSED || active.phase == MembershipChange.Phase.LEAVING_JOINT;
            callbacks.fail(active.request, proposed ? unknown : notTaken);
            active = null;
        }
        transfers.failAll(notTaken);
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
        if (!node.committedInCurrentTerm()) {
            // Thesis §4.1: a new leader proposes no change before its first commit; that takes about
            // one round trip, so the request waits for it rather than failing a caller who just
            // found the leader.
            active = MembershipChange.awaitingFirstCommit(request, now + options.requestTimeout().toNanos());
            return;
        }
        try {
            if (request instanceof MembershipRequest.AddLearner a) {
                propose(node, request, MembershipPlanner.addLearner(cfg, state.book(), a.member()), now,
                        a.thenPromote() ? Optional.of(a.member().id()) : Optional.empty());
            } else if (request instanceof MembershipRequest.Promote p) {
                MembershipPlanner.checkPromotable(cfg, p.id());
                active = MembershipChange.catchingUp(request, p.id());
            } else if (request instanceof MembershipRequest.Remove r) {
                propose(node, request, MembershipPlanner.remove(cfg, state.book(), r.id()), now, Optional.empty());
            } else if (request instanceof MembershipRequest.Replace r) {
                propose(node, request, MembershipPlanner.replace(cfg, state.book(), r.voters(), r.learners()), now, Optional.empty());
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

    /** A request that arrived before this leader's first commit: handled once it is, refused if it never comes. */
    private void awaitFirstCommit(RaftNode node, long now) {
        MembershipChange c = active;
        if (node.role() != Role.LEADER) {
            active = null;
            callbacks.fail(c.request, callbacks.notLeader(node.leader(), "membership change refused: leadership moved"));
        } else if (node.committedInCurrentTerm()) {
            active = null;
            handle(node, c.request, now);
        } else if (now - c.deadline >= 0) {
            active = null;
            callbacks.fail(c.request, new MembershipChangeException(MembershipChangeException.Reason.CHANGE_IN_PROGRESS,
                    "the new leader did not commit an entry of its term within " + options.requestTimeout().toMillis()
                            + " ms; the change was not proposed"));
        }
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
                propose(node, c.request, MembershipPlanner.promote(node.config(), state.book(), c.learner), now, Optional.empty());
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
        if (wasMember && !ce.config().isJoint() && !ce.config().contains(self) && !state.config().contains(self)) {
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
        state.inForce(cfg, addresses);
        peers.update(cfg, addresses, index);
        statusBoard.membership(addresses.clients(), cfg);
    }
}
