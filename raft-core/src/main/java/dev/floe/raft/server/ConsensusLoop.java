package dev.floe.raft.server;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.ServerClosedException;
import dev.floe.raft.Transport;
import dev.floe.raft.core.LogRead;
import dev.floe.raft.core.ProposeResult;
import dev.floe.raft.core.RaftNode;
import dev.floe.raft.core.ReadState;
import dev.floe.raft.core.Ready;
import dev.floe.raft.core.Role;
import dev.floe.raft.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consensus activity (its own thread in production): the only code that touches the
 * {@link RaftNode}. Each pass it drains its input queue (messages, proposals, reads, durability
 * notifications) into the core, ticks the core when a tick interval has passed on the
 * {@link Clock}, then takes <b>one</b>
 * {@link Ready} — so proposals that arrived together become one log append and one replication
 * round — and dispatches it without blocking: messages to {@link Transport#send}, writes to the
 * {@link PersistPipeline}, committed entries to the {@link Applier}, reads of entries the storage no
 * longer caches to {@link LogReads}. Then it publishes a fresh {@link ServerStatus} and expires
 * requests past their deadline. It never waits for the disk: appends return at once (the
 * {@code LogStorage} contract), reads and compactions run on disk-side activities.
 */
final class ConsensusLoop implements Scheduler.Task {
    private static final Logger LOG = LoggerFactory.getLogger(ConsensusLoop.class);
    /** Inputs handled per pass at most, so one Ready (and one append) stays bounded. */
    private static final int MAX_INPUTS_PER_PASS = 4096;
    /** Ticks a loop that fell behind replays (one per pass); beyond, after a stall, it skips them. */
    private static final int MAX_CATCH_UP_TICKS = 2;

    private final NodeId id;
    private final RaftNode node;
    private final RaftServerOptions options;
    private final Transport transport;
    private final PersistPipeline persist;
    private final Applier applier;
    private final Proposals proposals;
    private final LinearizableReads reads = new LinearizableReads();
    private final LeaseGuard leaseGuard;
    /** LEASE reads taken in this pass, served once the pass has ticked; consensus thread only. */
    private final java.util.ArrayList<PendingRead> leaseReads = new java.util.ArrayList<>();
    private final InputQueue inputs;
    private final Clock clock;
    private final long tickNanos;
    private boolean started;
    /** Clock time of the next tick. */
    private long nextTick;
    /** The core was quiesced at the last pass: it gets no ticks until something wakes it. */
    private boolean quiet;
    /** Every unanswered request in submission order, hence (nearly) in deadline order. */
    private final Queue<Pending> deadlines;
    private final BiFunction<Optional<NodeId>, String, NotLeaderException> notLeader;
    private final StatusBoard statusBoard;
    /** Completes futures with failures off this thread, so no caller's callback ever runs here. */
    private final Executor callbacks;
    private final BiConsumer<String, Throwable> fatal;
    /** Membership changes and leadership transfers; set once before the thread starts. */
    private final Membership membership;
    /** Deletes compacted log prefixes off this thread, once the core has let go of them (paper §7). */
    private final LogCompactor compactor;
    /** Reads durable entries the core needs and does not hold in memory, off this thread. */
    private final LogReads logReads;
    private final SnapshotTransfers transfers;
    private final long keepEntries;
    private final EventReporter events;

    private Role lastRole;
    private long lastTerm = -1;
    private Optional<NodeId> lastLeader = Optional.empty();

    /** Where a Ready's parts go (the ordering contract: docs/core.md), and where compactions go. */
    record Outputs(Transport transport, PersistPipeline persist, Applier applier, SnapshotTransfers transfers,
                   LogReads logReads, LogCompactor compactor) {
    }

    /** What callers ask of the loop: proposals and reads, queued inputs, deadlines, membership changes. */
    record Requests(Proposals proposals, InputQueue inputs, Queue<Pending> deadlines, Membership membership) {
    }

    /** How the loop tells the world: status, events, user callbacks, refusals, fatal errors. */
    record Reporting(StatusBoard statusBoard, EventReporter events, Executor callbacks,
                     BiFunction<Optional<NodeId>, String, NotLeaderException> notLeader,
                     BiConsumer<String, Throwable> fatal) {
    }

    /**
     * @param keepEntries entries kept in the log behind a snapshot when compacting
     */
    ConsensusLoop(RaftNode node, RaftServerOptions options, long keepEntries, Clock clock, Outputs outputs,
                  Requests requests, Reporting reporting) {
        this.id = node.id();
        this.node = node;
        this.options = options;
        this.transport = outputs.transport();
        this.persist = outputs.persist();
        this.applier = outputs.applier();
        this.transfers = outputs.transfers();
        this.logReads = outputs.logReads();
        this.compactor = outputs.compactor();
        this.proposals = requests.proposals();
        this.inputs = requests.inputs();
        this.deadlines = requests.deadlines();
        this.membership = requests.membership();
        this.statusBoard = reporting.statusBoard();
        this.events = reporting.events();
        this.callbacks = reporting.callbacks();
        this.notLeader = reporting.notLeader();
        this.fatal = reporting.fatal();
        this.keepEntries = keepEntries;
        this.clock = clock;
        this.tickNanos = options.tickInterval().toNanos();
        this.leaseGuard = new LeaseGuard(options.electionTicks());
    }

    /**
     * One pass, as a {@link Scheduler.Task}: returns when to run again unless woken (at once while
     * inputs or a Ready are left, else at the next tick), or {@link Scheduler#DONE} once stopped.
     */
    @Override
    public long run() {
        try {
            long now = clock.nanoTime();
            if (!started) {
                started = true;
                nextTick = now + tickNanos;
            }
            Input in = inputs.poll();
            for (int handled = 0; in != null; in = ++handled < MAX_INPUTS_PER_PASS ? inputs.poll() : null) {
                if (in instanceof Input.Stop) {
                    failUnhandled();
                    return Scheduler.DONE;
                }
                handle(in);
            }
            now = clock.nanoTime();
            if (node.isQuiesced()) {
                // A quiesced core counts no time (docs/core.md, "Quiescence"): no ticks, and below the
                // loop sleeps until an input wakes it, unless requests still wait for their timeout.
                quiet = true;
                if (now - nextTick >= 0) {
                    nextTick = now + tickNanos;
                    expire(now);
                }
            } else if (quiet) {
                // Woken: ticks resume from now; the time asleep is not replayed (the core knows it slept).
                quiet = false;
                nextTick = now + tickNanos;
            } else if (now - nextTick >= 0) {
                node.tick();
                nextTick += tickNanos;
                // After a stall (GC, overload) skip the missed ticks instead of replaying them in a
                // burst: a burst would expire election timers at once and depose a healthy leader.
                // The lease, which counts ticks, is not trusted until ticks track the clock again.
                // A lag of a tick or two is caught up one tick per pass, with inputs in between.
                boolean skipped = now - nextTick >= MAX_CATCH_UP_TICKS * tickNanos;
                if (skipped) nextTick = now + tickNanos;
                leaseGuard.ticked(skipped);
                expire(now);
            }
            if (!leaseReads.isEmpty()) serveLeaseReads();
            membership.onPass(node, now);
            // Hand the applier at most maxApplyBacklog entries beyond what it applied, on
            // followers too (the leader also refuses new proposals beyond that backlog).
            node.limitApply(applier.appliedIndex() + options.maxApplyBacklog());
            if (node.hasReady()) dispatch(node.ready());
            boolean moreReady = node.hasReady();
            publishStatus();
            inputs.wakeOnPersisted(persistedMatters());
            if (moreReady || !inputs.isEmpty()) return now;
            return node.isQuiesced() && !requestsWaiting() ? Scheduler.IDLE : nextTick;
        } catch (RuntimeException | Error e) {
            // The core refused an input or broke an invariant: continuing could corrupt the log.
            fatal.accept("the consensus thread failed", e);
            failUnhandled();
            return Scheduler.DONE;
        }
    }

    /**
     * Whether a report that the log became durable further must run this loop at once
     * ({@link RaftNode#awaitsDurability}). A follower's acknowledgements leave from the persist
     * pipeline itself (thesis §10.2.1: it acknowledges once durable), so its durable index only
     * bounds what it may apply; a leader's counts toward a majority only once another voter holds
     * entries beyond the commit index, which with many groups and few entries per append is usually
     * not yet the case when its own write completes. Otherwise the report waits in the queue for the
     * next run (the next message or tick) instead of costing a run of its own: with 256 groups and
     * 256 writes in flight such reports were about two runs in five of every host.
     */
    private boolean persistedMatters() {
        return node.awaitsDurability();
    }

    /**
     * Whether a request still waits for its deadline or a membership change is under way: a quiesced
     * loop keeps its timer for them (the core stays asleep). Settled requests are dropped here.
     */
    private boolean requestsWaiting() {
        deadlines.removeIf(Pending::settled);
        return !deadlines.isEmpty() || membership.busy();
    }

    private void handle(Input in) {
        if (in instanceof Input.Received r) {
            node.step(r.message());
        } else if (in instanceof Input.SnapshotReceived s) {
            dev.floe.raft.SnapshotMeta meta = s.finalChunk().meta();
            membership.restoreFromSnapshot(new dev.floe.raft.core.ConfigEntry(meta.lastIndex(), meta.config(), s.configContext()));
            node.step(s.finalChunk());
        } else if (in instanceof Input.Persisted p) {
            node.persisted(p.index(), p.term());
        } else if (in instanceof Input.Propose p) {
            propose(p.write());
        } else if (in instanceof Input.Read r) {
            if (!r.read().settled()) reads.request(node, r.read());
        } else if (in instanceof Input.LeaseRead r) {
            if (!r.read().settled()) {
                leaseReads.add(r.read()); // served after this pass's tick: time first, then the lease
            }
        } else if (in instanceof Input.StaleRead r) {
            if (!r.read().settled()) applier.query(0, r.read()); // whatever is applied now
        } else if (in instanceof Input.Compact c) {
            compact(c.snapshotIndex(), c.done());
        } else if (in instanceof Input.EntriesRead r) {
            node.entriesRead(r.read(), r.entries());
        } else if (in instanceof Input.SnapshotSent s) {
            node.reportSnapshot(s.peer(), s.success());
        } else if (in instanceof Input.PeerSuspected s) {
            node.peerSuspected(s.peer());
        }
    }

    /**
     * Thesis §6.4.1: within its lease the leader's commit index needs no heartbeat round. Judged
     * against the clock now, when the read is served, after this pass ticked (LeaseGuard);
     * otherwise (a follower, no lease, leases off, time not tracked) by ReadIndex.
     */
    private void serveLeaseReads() {
        boolean trusted = leaseGuard.trustsLease(clock.nanoTime(), nextTick);
        for (PendingRead read : leaseReads) {
            if (read.settled()) continue;
            java.util.OptionalLong lease = trusted ? node.leaseReadIndex() : java.util.OptionalLong.empty();
            if (lease.isPresent()) {
                applier.query(lease.getAsLong(), read);
            } else {
                reads.request(node, read);
            }
        }
        leaseReads.clear();
    }

    private void propose(PendingWrite write) {
        if (write.settled()) return; // timed out while queued
        // Committed but not yet applied, whether already handed to the applier or held back by limitApply.
        long waiting = node.commitIndex() - applier.appliedIndex();
        if (waiting > options.maxApplyBacklog()) {
            events.refused(RaftEvent.RefusalReason.APPLY_BACKLOG);
            fail(write, new BackpressureException(
                    id + " has " + waiting + " committed entries waiting for the state machine; retry later"));
            return;
        }
        ProposeResult result = node.propose(write.command);
        if (result instanceof ProposeResult.Accepted a) {
            proposals.register(write, a.index(), a.term()).ifPresent(old -> fail(old, Proposals.displacedFailure(old)));
        } else if (result instanceof ProposeResult.Rejected r) {
            events.refused(RefusalReasons.of(r.reason()));
            fail(write, switch (r.reason()) {
                case NOT_LEADER -> notLeader.apply(r.leaderHint(), "command refused");
                case LEADERSHIP_TRANSFER -> notLeader.apply(r.leaderHint(), "leadership is being transferred");
                case BACKPRESSURE -> new BackpressureException(id + " has too many uncommitted bytes (limit "
                        + options.maxUncommittedBytes() + "); retry later");
                case CONFIG_CHANGE_IN_PROGRESS, INVALID_CONFIG_CHANGE ->
                        new IllegalStateException("a command was refused for a membership reason: " + r.detail());
            });
        }
    }

    private void dispatch(Ready rd) {
        for (NodeId peer : rd.snapshotTransfers()) transfers.start(peer, node.term());
        membership.onReady(node, rd); // first: new members must be known to the transport before we send
        List<Message> afterPersist = rd.messagesAfterPersist();
        if (!rd.messages().isEmpty() && persist.hardStatePending()) {
            // Step 1: an earlier Ready's term or vote is still on its way to disk; nothing we send
            // may carry it before it is durable, so these wait in line with the writes.
            afterPersist = new ArrayList<>(rd.messages());
            afterPersist.addAll(rd.messagesAfterPersist());
        } else {
            for (Message m : rd.messages()) send(m);
        }
        if (rd.mustPersist() || !afterPersist.isEmpty()) {
            // Step 0: an installed snapshot resets the log before this Ready's entries are appended.
            persist.submit(new PersistPipeline.Job(rd.snapshot(), rd.hardState(), rd.entries(), afterPersist));
        }
        // Step 0 again: the state machine becomes the snapshot's state before the entries after it.
        rd.snapshot().ifPresent(applier::install);
        if (!rd.committedEntries().isEmpty()) applier.apply(rd.committedEntries());
        for (LogRead read : rd.logReads()) logReads.submit(read);
        reads.onReady(rd, new LinearizableReads.Outcome() {
            @Override
            public void confirmed(PendingRead read, long readIndex) {
                applier.query(readIndex, read);
            }

            @Override
            public void rejected(PendingRead read, ReadState.Rejected rejection) {
                fail(read, notLeader.apply(rejection.leaderHint(), "no leader could confirm the read"));
            }
        });
    }

    /**
     * The applier committed a snapshot at {@code snapshotIndex}: drop the log before it, keeping
     * {@code keepEntries} so slightly lagging followers still catch up from the log (paper §7).
     * The snapshot index is applied, hence committed and durable here, so nothing the core still
     * needs for itself goes; a follower that needs more gets the snapshot. Decided here, between
     * two core calls, so the core never sees its log shrink in the middle of one; the files go on
     * the compaction activity (see {@link LogCompactor} for its ordering with snapshot installs).
     * {@code done} completes once they are gone.
     */
    private void compact(long snapshotIndex, java.util.concurrent.CompletableFuture<Long> done) {
        long upTo = snapshotIndex - keepEntries;
        if (!node.compactTo(upTo)) {
            complete(done, snapshotIndex);
            return;
        }
        compactor.compact(upTo, snapshotIndex, node.term(), () -> complete(done, snapshotIndex));
    }

    private void send(Message m) {
        try {
            transport.send(m);
        } catch (RuntimeException e) {
            // Raft tolerates a lost message; a transport that throws must not stop consensus.
            LOG.warn("{} [term {}] transport refused {}: {}", id, node.term(), m, e.toString());
        }
    }

    /** Fails requests past their deadline. Writes in the log get "outcome unknown"; the others were never taken. */
    private void expire(long now) {
        Pending head;
        while ((head = deadlines.peek()) != null && (head.settled() || head.expiredAt(now))) {
            deadlines.poll();
            if (head.settled()) continue;
            head.abandoned = true;
            String after = " within " + options.requestTimeout().toMillis() + " ms";
            if (head instanceof PendingWrite w) {
                proposals.forget(w);
                fail(head, w.proposed()
                        ? new OutcomeUnknownException("command at index " + w.index + " (term " + w.term + ") of " + id
                                + " was neither applied nor overwritten" + after + "; it may still be applied")
                        : new BackpressureException("command not proposed" + after + ": " + id + " is overloaded"));
            } else if (head instanceof PendingRead r) {
                reads.forget(r);
                fail(head, new TimeoutException("read not served by " + id + after));
            }
        }
    }

    private <T> void complete(java.util.concurrent.CompletableFuture<T> future, T value) {
        try {
            callbacks.execute(() -> future.complete(value));
        } catch (RejectedExecutionException e) {
            future.complete(value);
        }
    }

    private void fail(Pending request, Exception failure) {
        try {
            callbacks.execute(() -> request.future.completeExceptionally(failure));
        } catch (RejectedExecutionException e) {
            request.future.completeExceptionally(failure); // only if close() gave up waiting for this thread
        }
    }

    private void publishStatus() {
        Role role = node.role();
        if (role != lastRole || node.term() != lastTerm || !node.leader().equals(lastLeader)) {
            LOG.info("{} [term {}] is {}, leader {}", id, node.term(), role, node.leader().map(NodeId::value).orElse("unknown"));
            if (lastRole == Role.LEADER) transfers.cancelAll(); // reports from a past leadership are ignored anyway
            lastRole = role;
            lastTerm = node.term();
            lastLeader = node.leader();
        }
        statusBoard.publish(node.status(), applier.appliedIndex());
        events.published(statusBoard.current());
    }

    /** On exit: requests the loop took but will never finish. Commands already in the log are left to the server. */
    private void failUnhandled() {
        ServerClosedException closed = new ServerClosedException("server " + id + " closed before taking the request");
        for (Input in : inputs.drain()) {
            if (in instanceof Input.Propose p) fail(p.write(), closed);
            if (in instanceof Input.Read r) fail(r.read(), closed);
            if (in instanceof Input.StaleRead r) fail(r.read(), closed);
            if (in instanceof Input.LeaseRead r) fail(r.read(), closed);
        }
        for (PendingRead r : reads.waiting()) fail(r, closed);
        for (PendingRead r : leaseReads) fail(r, closed);
        leaseReads.clear();
        membership.close(closed, new OutcomeUnknownException("server " + id
                + " closed before its membership change was known to be committed", closed));
    }
}
