package dev.floe.raft.server;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.HardState;
import dev.floe.raft.HardStateStore;
import dev.floe.raft.LeadershipTransferException;
import dev.floe.raft.LogStorage;
import dev.floe.raft.Member;
import dev.floe.raft.MembershipChangeException;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.ReadConsistency;
import dev.floe.raft.ServerClosedException;
import dev.floe.raft.SessionExpiredException;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.StateMachine;
import dev.floe.raft.Transport;
import dev.floe.raft.core.ConfigEntry;
import dev.floe.raft.core.RaftNode;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.SnapshotRequest;
import dev.floe.raft.message.SnapshotResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a Raft group, running: the embedding API of Floe. Build it with {@link #builder()},
 * {@link #start()} it, send it commands with {@link #submit} and queries with {@link #read}, watch it
 * with {@link #status()}, and {@link #close()} it.
 *
 * <pre>{@code
 * try (RaftServer server = RaftServer.builder()
 *         .id(NodeId.of("n1"))
 *         .members(List.of(Member.voter(NodeId.of("n1"), Endpoint.parse("10.0.0.1:7001"), Endpoint.parse("10.0.0.1:8080")), ...))
 *         .stateMachine(new Counter())
 *         .storage(storage.logStorage(), storage.hardStateStore())
 *         .closeWith(storage)
 *         .transport(new NettyTransport(config))
 *         .build()) {
 *     server.start();
 *     Bytes result = server.submit(Bytes.utf8("add 1")).get();
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * Each server runs a few activities on its {@link Scheduler}; by default ({@link Scheduler#threads()})
 * each is a daemon thread of its own, named after the server's id: {@code floe-<id>-consensus}
 * owns the consensus core, ticks it from the {@link Clock} and never blocks on disk, network
 * or user code; {@code floe-<id>-persist} saves the hard state and appends to the log
 * (asynchronously, group-committed by the storage); {@code floe-<id>-apply} runs the
 * {@link StateMachine} and completes futures with results; {@code floe-<id>-callbacks} completes
 * futures with refusals and timeouts; {@code floe-<id>-log-read} reads log entries the storage no
 * longer holds in memory (for a follower far behind) and {@code floe-<id>-compact} deletes the log
 * a snapshot covers, so that the consensus thread never waits for the disk; {@code floe-<id>-snapshot-in} and
 * {@code floe-<id>-snapshot-to-<peer>} move snapshots. The transport and the storage may run threads
 * of their own. A simulator runs the same activities on one thread in simulated time
 * ({@link Builder#runtime}). All public methods are thread-safe and never block, except
 * {@link #start()} and {@link #close()}.
 * A caller's dependent stage that is not {@code *Async} runs on the thread that completes the
 * future: keep it short, and never block on this server from it.
 *
 * <h2>Outcomes</h2>
 * Every future returned by {@link #submit} and {@link #read} completes, at the latest after
 * {@link RaftServerOptions#requestTimeout()} or when the server closes, with a result or with one of:
 * {@link NotLeaderException} (not taken, or definitely not applied: retry at the named leader),
 * {@link BackpressureException} (not taken: retry later), {@link OutcomeUnknownException} (in the
 * log, fate unknown), {@link ServerClosedException} (not taken), or for reads a
 * {@link java.util.concurrent.TimeoutException}.
 *
 * <h2>Ownership</h2>
 * The server owns the plugs it is built with: {@link #close()} closes the transport, the log
 * storage, the hard-state store and anything given to {@link Builder#closeWith} (whether or not it
 * was started). The state machine is the caller's.
 *
 * <h2>Restart</h2>
 * {@link #start()} recovers the term, the vote and the log from the storage and rejoins; the state
 * machine must start empty. With a {@link Builder#snapshotStore snapshot store}, it is first restored
 * from the newest snapshot (with the client sessions), and only the committed entries after it are
 * applied again; without one, every committed entry is, from index 1, once the member learns the
 * commit index from the leader.
 *
 * <h2>Snapshots, reads, sessions</h2>
 * Snapshots and log compaction ({@link #snapshotNow()}, {@link SnapshotOptions}), the read options
 * ({@link #read(Bytes, ReadConsistency)}) and exactly-once sessions
 * ({@link #submit(String, long, Bytes)}) are described in {@code docs/snapshots-reads-sessions.md}.
 */
public final class RaftServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftServer.class);

    private enum State { NEW, RUNNING, CLOSING, CLOSED }

    private final NodeId id;
    private final MembershipState membership;
    private final StateMachine stateMachine;
    private final LogStorage log;
    private final HardStateStore hardStateStore;
    private final Transport transport;
    private final RaftServerOptions options;
    private final List<AutoCloseable> alsoClose;
    private final Optional<SnapshotStore> snapshotStore;
    private final SnapshotOptions snapshotOptions;
    private final Duration sessionExpiry;
    private SnapshotTransfers snapshotTransfers;
    private SnapshotReceiver snapshotReceiver;
    private final EventReporter events;

    private final InputQueue inputs = new InputQueue();
    private final ConcurrentLinkedQueue<Pending> deadlines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingRequests = new AtomicInteger();
    private final StatusBoard statusBoard;
    private final Proposals proposals;
    /** Guards the state against intake: requests are queued under the read lock, the state flips under the write lock. */
    private final ReentrantReadWriteLock intake = new ReentrantReadWriteLock();
    private final Object lifecycle = new Object();
    private final AtomicReference<Throwable> fatalCause = new AtomicReference<>();
    /** Set once, with {@link #fatalCause}, when a thread of ours hits a fatal error. */
    private volatile ServerHealth failure;
    private final Consumer<ServerHealth> onFatal;
    private volatile State state = State.NEW;
    /** Where the server's activities run, and the time they run on (the runtime SPI). */
    private final Scheduler scheduler;
    /** Where its activities that write or read the disk run (persist, snapshot transfers). */
    private final Scheduler diskScheduler;
    /** Where its activities that run user code run (applier, callbacks, the fatal-error shutdown). */
    private final Scheduler userScheduler;
    private final Clock clock;
    private Scheduler.Activity consensusActivity;
    private Scheduler.Activity persistActivity;
    private Scheduler.Activity applierActivity;
    private PersistPipeline persist;
    private Applier applier;
    private LogReads logReads;
    private LogCompactor compactor;
    private SerialExecutor callbacks;

    private RaftServer(Builder b) {
        this.id = b.id;
        this.membership = new MembershipState(b.id, b.bootstrapConfig(), b.addressBook());
        this.stateMachine = b.stateMachine;
        this.log = b.log;
        this.hardStateStore = b.hardStateStore;
        this.transport = b.transport;
        this.options = b.options;
        this.alsoClose = List.copyOf(b.alsoClose);
        this.snapshotStore = Optional.ofNullable(b.snapshotStore);
        this.snapshotOptions = b.snapshotOptions;
        this.sessionExpiry = b.sessionExpiry;
        this.scheduler = b.scheduler;
        this.diskScheduler = b.diskScheduler;
        this.userScheduler = b.userScheduler;
        this.clock = b.clock;
        this.onFatal = b.onFatal;
        this.events = new EventReporter(id, b.listeners, b.clock);
        this.statusBoard = new StatusBoard(id, membership.clients());
        statusBoard.membership(membership.clients(), membership.config()); // learners shown as such before start
        this.proposals = new Proposals(detail -> notLeader(statusBoard.current().leader(), detail));
    }

    /**
     * Starts describing a server: its id, members, plugs and options.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return this member's id} */
    public NodeId id() {
        return id;
    }

    /**
     * The members of the configuration in force (voters and learners; see {@link ServerStatus#config()})
     * and the addresses they serve clients on, where known. Changes as membership changes take effect.
     *
     * @return member ids and their client addresses
     */
    public Map<NodeId, Endpoint> members() {
        return membership.clients();
    }

    /**
     * Recovers the hard state and log from storage, starts the transport and the server's threads.
     * Blocks while the storage is read.
     *
     * @throws IOException           if the storage cannot be read or the transport cannot start
     * @throws IllegalStateException if already started or closed
     */
    public void start() throws IOException {
        synchronized (lifecycle) {
            if (state != State.NEW) throw new IllegalStateException("server " + id + " is " + state);
            HardState hardState = hardStateStore.load();
            SnapshotRecovery.Result recovered = SnapshotRecovery.recover(id, snapshotStore, log, stateMachine,
                    membership.bootstrap());
            long snapshotIndex = recovered.applied().lastIndex();
            RaftNode node = RaftNode.create(options.toRaftOptions(), id, recovered.applied().config(),
                    hardState, log, snapshotIndex, scheduler.newRandom());
            LOG.info("{} [term {}] starting with log [{}, {}], vote {}", id, hardState.term(), log.firstIndex(),
                    log.lastIndex(), hardState.votedFor().map(NodeId::value).orElse("-"));
            persist = new PersistPipeline(id, hardStateStore, log, transport, inputs::add, this::fatal,
                    options.shutdownTimeout().toMillis(), clock);
            SessionTable sessions = new SessionTable(sessionExpiry.toMillis());
            sessions.restore(recovered.serverState().sessions());
            LocalSnapshots localSnapshots = new LocalSnapshots(id, snapshotStore, snapshotOptions, snapshotIndex, events);
            applier = new Applier(id, stateMachine, proposals, recovered.applied(), recovered.serverState().configContext(),
                    localSnapshots, sessions,
                    (index, done) -> inputs.add(new Input.Compact(index, done)), this::fatal);
            // The activities start waiting for work; the consensus loop, which gives them work, last.
            callbacks = new SerialExecutor(userScheduler, threadName("callbacks"));
            snapshotTransfers = new SnapshotTransfers(id, snapshotStore, transport, snapshotOptions, inputs::add,
                    diskScheduler, clock, events);
            membership.restoreFromSnapshot(new ConfigEntry(snapshotIndex, recovered.applied().config(),
                    recovered.serverState().configContext()));
            statusBoard.publish(node.status(), snapshotIndex);
            Membership changes = new Membership(membership, new MembershipCallbacks(callbacks, this::notLeader),
                    new MembershipPeers(id, transport), statusBoard, options, clock);
            changes.recover(node, log);
            logReads = new LogReads(id, log, inputs::add, this::fatal, diskScheduler);
            compactor = new LogCompactor(id, log, diskScheduler);
            ConsensusLoop loop = new ConsensusLoop(node, options, snapshotOptions.keepEntries(), clock,
                    new ConsensusLoop.Outputs(transport, persist, applier, snapshotTransfers, logReads, compactor),
                    new ConsensusLoop.Requests(proposals, inputs, deadlines, changes),
                    new ConsensusLoop.Reporting(statusBoard, events, callbacks, this::notLeader, this::fatal));
            snapshotReceiver = new SnapshotReceiver(id, snapshotStore, transport, events, localSnapshots::received,
                    (done, configContext) -> inputs.add(new Input.SnapshotReceived(done, configContext)), diskScheduler);
            persistActivity = persist.start(diskScheduler, threadName("persist"));
            applierActivity = applier.start(userScheduler, threadName("apply"));
            boolean started = false;
            try {
                transport.start(id, this::receive);
                started = true;
            } finally {
                if (!started) {
                    callbacks.shutdown();
                    snapshotReceiver.close();
                    persist.stop();
                    applier.stop();
                    stopDiskSide();
                }
            }
            state = State.RUNNING;
            consensusActivity = scheduler.start(threadName("consensus"), loop);
            inputs.consumer(consensusActivity);
        }
    }

    private String threadName(String role) {
        return "floe-" + id.value() + "-" + role;
    }

    /** Transport threads: queue for the consensus thread. Cheap and thread-safe, as the transport requires. */
    private void receive(Message m) {
        if (state != State.RUNNING) return;
        // Snapshot chunks and their acknowledgements bypass the consensus thread (Ready step 7):
        // only the final, verified chunk reaches the core, queued by the receiver.
        if (m instanceof SnapshotResponse r) {
            snapshotTransfers.onResponse(r);
        } else if (m instanceof SnapshotRequest r) {
            snapshotReceiver.onRequest(r);
        } else {
            if (m instanceof dev.floe.raft.message.TimeoutNow) events.transferRequested();
            inputs.add(new Input.Received(m));
        }
    }

    /**
     * Takes a snapshot of the state machine at its applied index (once the entries already handed
     * to it are applied) and compacts the log behind it (Raft paper §7). The future completes with
     * the snapshot's last index (the previous one's if nothing was applied since), or fails with
     * {@link IllegalStateException} without a snapshot store, or with the store's
     * {@link IOException}. Never blocks.
     *
     * @return a future of the snapshot's last index
     */
    public CompletableFuture<Long> snapshotNow() {
        if (state != State.RUNNING) {
            return CompletableFuture.failedFuture(closedException("server " + id + " is " + state.name().toLowerCase()));
        }
        return applier.snapshotNow();
    }

    /**
     * Proposes {@code command}; the future completes with the state machine's result once the
     * command is committed and applied here (so a {@link #read} issued afterwards observes it).
     * Only the leader takes commands; others fail the future with {@link NotLeaderException}.
     * See the class comment for every way the future can fail. Never blocks.
     *
     * @param command the command for the state machine
     * @return a future of the state machine's result
     */
    public CompletableFuture<Bytes> submit(Bytes command) {
        Objects.requireNonNull(command, "command");
        PendingWrite write = new PendingWrite(SessionEnvelope.plain(command), deadline());
        enqueue(write, new Input.Propose(write));
        return write.future;
    }

    /**
     * {@link #submit(String, long, long, Bytes)} for a client with one command outstanding: every
     * response below {@code sequence} was received.
     *
     * @param clientId the client's session id
     * @param sequence the command's number in the session, from 1
     * @param command  the command for the state machine
     * @return a future of the state machine's result
     */
    public CompletableFuture<Bytes> submit(String clientId, long sequence, Bytes command) {
        return submit(clientId, sequence, sequence, command);
    }

    /**
     * Proposes {@code command} as number {@code sequence} of client {@code clientId}'s session
     * (thesis §6.3): applied at most once however often it is retried, here or at another leader.
     * The client numbers its commands 1, 2, 3, ... and may pipeline them; {@code lowestOutstanding}
     * is the lowest sequence whose response it still waits for. A retry of an applied command
     * completes with the response kept from when it was applied; the state machine does not see it
     * again. A session registers with its first command (sent with {@code lowestOutstanding} 1) and
     * expires after {@link Builder#sessionExpiry} of inactivity in log time; then the future fails
     * with {@link SessionExpiredException} and nothing is applied. A sequence below a
     * {@code lowestOutstanding} the client sent before fails with {@link IllegalArgumentException}.
     * Otherwise fails like {@link #submit(Bytes)}, and after {@link OutcomeUnknownException} or
     * {@link NotLeaderException} the client simply retries the same (client, sequence). Never blocks.
     *
     * @throws IllegalArgumentException unless {@code 1 <= lowestOutstanding <= sequence}
     * @param clientId          the client's session id
     * @param sequence          the command's number in the session, from 1
     * @param lowestOutstanding the lowest sequence whose response the client still waits for
     * @param command           the command for the state machine
     * @return a future of the state machine's result
     */
    public CompletableFuture<Bytes> submit(String clientId, long sequence, long lowestOutstanding, Bytes command) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(command, "command");
        if (lowestOutstanding < 1 || lowestOutstanding > sequence) {
            throw new IllegalArgumentException("need 1 <= lowestOutstanding <= sequence: " + lowestOutstanding + ", " + sequence);
        }
        // The leader's clock becomes log time for session expiry; replicas use the largest stamp seen.
        Bytes envelope = SessionEnvelope.session(clientId, sequence, lowestOutstanding, clock.currentTimeMillis(), command);
        PendingWrite write = new PendingWrite(envelope, deadline());
        enqueue(write, new Input.Propose(write));
        return write.future;
    }

    /**
     * Answers {@code query} from the state machine, linearizably (thesis §6.4, ReadIndex): the answer
     * reflects every command whose {@link #submit} completed before this call. Works on any member;
     * a follower asks the leader to confirm the read and then answers from its own state machine.
     * Writes nothing to the log. Never blocks.
     *
     * @param query the query for {@link StateMachine#read}
     * @return a future of the answer
     */
    public CompletableFuture<Bytes> read(Bytes query) {
        return read(query, ReadConsistency.LINEARIZABLE);
    }

    /**
     * Answers {@code query} from the state machine with the given consistency (thesis §6.4; see
     * {@link ReadConsistency} for what each promises): {@code LINEARIZABLE} as {@link #read(Bytes)};
     * {@code LEASE} from the leader's lease without a heartbeat round when
     * {@link RaftServerOptions#leaseReads()} is on and the lease holds, otherwise as
     * {@code LINEARIZABLE} (so always on a follower); {@code STALE} at once from
     * this member's state machine, on any member, without asking the leader. Never blocks.
     *
     * @param query       the query for {@link StateMachine#read}
     * @param consistency what the answer must reflect
     * @return a future of the answer
     */
    public CompletableFuture<Bytes> read(Bytes query, ReadConsistency consistency) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(consistency, "consistency");
        PendingRead read = new PendingRead(query, deadline());
        enqueue(read, switch (consistency) {
            case LINEARIZABLE -> new Input.Read(read);
            case LEASE -> new Input.LeaseRead(read);
            case STALE -> new Input.StaleRead(read);
        });
        return read.future;
    }

    private long deadline() {
        return clock.nanoTime() + options.requestTimeout().toNanos();
    }

    private void enqueue(Pending request, Input input) {
        intake.readLock().lock();
        try {
            if (state != State.RUNNING) {
                request.future.completeExceptionally(closedException("server " + id + " is " + state.name().toLowerCase()));
                return;
            }
            if (pendingRequests.incrementAndGet() > options.maxPendingRequests()) {
                pendingRequests.decrementAndGet();
                request.future.completeExceptionally(new BackpressureException(
                        id + " already has " + options.maxPendingRequests() + " requests pending; retry later"));
                return;
            }
            request.future.whenComplete((r, e) -> pendingRequests.decrementAndGet());
            deadlines.add(request);
            inputs.add(input);
        } finally {
            intake.readLock().unlock();
        }
    }

    // ------------------------------------------------------------------ membership (thesis §4, paper §6)

    /**
     * Adds {@code member} as a learner: it receives the log but never votes or counts toward a
     * quorum (thesis §4.2.1). Completes with the committed configuration. Only the leader takes
     * membership changes, one at a time; see {@link #changeMembers} for the failures.
     *
     * @param member the new member and its addresses
     * @return a future of the committed configuration
     */
    public CompletableFuture<ClusterConfig> addLearner(Member member) {
        Objects.requireNonNull(member, "member");
        return membershipChange(new MembershipRequest.AddLearner(member.withVoter(false), false, new CompletableFuture<>()));
    }

    /**
     * Makes learner {@code id} a voter once it has caught up with the leader's log (rounds shorter
     * than an election timeout, thesis §4.2.1), so that the new voter does not stall commits.
     * Fails with {@link MembershipChangeException.Reason#NOT_CAUGHT_UP} (it stays a learner) if it does
     * not catch up within {@link RaftServerOptions#requestTimeout()} per round.
     *
     * @param id the learner
     * @return a future of the committed configuration
     */
    public CompletableFuture<ClusterConfig> promoteLearner(NodeId id) {
        Objects.requireNonNull(id, "id");
        return membershipChange(new MembershipRequest.Promote(id, new CompletableFuture<>()));
    }

    /**
     * Adds a voter safely: first as a learner, then promoted once it caught up (the two steps of
     * {@link #addLearner} and {@link #promoteLearner}, each a committed single-server change).
     * Completes when the promotion is committed. If the promotion fails, {@code member} stays a learner.
     *
     * @param member the new member and its addresses
     * @return a future of the committed configuration
     */
    public CompletableFuture<ClusterConfig> addVoter(Member member) {
        Objects.requireNonNull(member, "member");
        return membershipChange(new MembershipRequest.AddLearner(member.withVoter(true), true, new CompletableFuture<>()));
    }

    /**
     * Removes voter or learner {@code id}; may be the leader itself, which keeps leading until the
     * change commits and then steps down (thesis §4.2.2). The removed server is disconnected once
     * the change commits; shut it down then.
     *
     * @param id the member to remove
     * @return a future of the committed configuration
     */
    public CompletableFuture<ClusterConfig> removeMember(NodeId id) {
        Objects.requireNonNull(id, "id");
        return membershipChange(new MembershipRequest.Remove(id, new CompletableFuture<>()));
    }

    /**
     * Replaces the membership with exactly {@code voters} and {@code learners}. A change of at most
     * one voter is made directly (thesis §4.1); anything larger goes through joint consensus (paper
     * §6): decisions need majorities of both the old and the new voters until the leader, by
     * itself, commits the new configuration. Completes with that final, committed configuration.
     *
     * <p>Every membership future completes, with the committed configuration or with:
     * {@link NotLeaderException} (not taken, or overwritten before it committed: retry at the
     * leader), {@link MembershipChangeException} ({@code CHANGE_IN_PROGRESS}: another change or a
     * leadership transfer is not finished; {@code INVALID}: unknown id, duplicate id or address, no
     * voter left, or nothing to change; {@code NOT_CAUGHT_UP}), {@link OutcomeUnknownException}
     * (proposed but not known committed within {@link RaftServerOptions#requestTimeout()}: check
     * {@link #status()}), or {@link ServerClosedException}. Requests are taken on the consensus
     * thread's next pass; a leader elected moments ago first waits (up to the request timeout) for
     * its first commit, before which Raft allows no change (thesis §4.1). Never blocks.
     *
     * @param voters   every voter of the new configuration
     * @param learners every learner of the new configuration
     * @return a future of the committed configuration
     */
    public CompletableFuture<ClusterConfig> changeMembers(Collection<Member> voters, Collection<Member> learners) {
        Objects.requireNonNull(voters, "voters");
        Objects.requireNonNull(learners, "learners");
        List<Member> v = voters.stream().map(m -> m.withVoter(true)).toList();
        List<Member> l = learners.stream().map(m -> m.withVoter(false)).toList();
        return membershipChange(new MembershipRequest.Replace(v, l, new CompletableFuture<>()));
    }

    /**
     * Hands leadership to voter {@code target} (thesis §3.10): this leader stops taking commands
     * (they fail with {@link NotLeaderException}), brings the target up to date and tells it to
     * start an election at once. Completes when this server has stepped down; fails with
     * {@link LeadershipTransferException} ({@code ABORTED}) when the target did not take over within
     * an election timeout (this server then leads on and takes commands again), or ({@code INVALID},
     * {@code IN_PROGRESS}) when refused; with {@link NotLeaderException} on a follower.
     *
     * @param target the voter to lead next
     * @return a future completed when this server has stepped down
     */
    public CompletableFuture<Void> transferLeadership(NodeId target) {
        Objects.requireNonNull(target, "target");
        MembershipRequest.Transfer request = new MembershipRequest.Transfer(target, new CompletableFuture<>());
        submitMembership(request);
        return request.future();
    }

    private CompletableFuture<ClusterConfig> membershipChange(MembershipRequest.Change request) {
        submitMembership(request);
        return request.future();
    }

    private void submitMembership(MembershipRequest request) {
        intake.readLock().lock();
        try {
            if (state != State.RUNNING) {
                request.future().completeExceptionally(closedException("server " + id + " is " + state.name().toLowerCase()));
            } else {
                membership.submit(request);
                inputs.add(new Input.Wake()); // a quiesced loop sleeps until an input arrives
            }
        } finally {
            intake.readLock().unlock();
        }
    }

    /**
     * Tells this server that a failure detector outside Raft (for example a multi-group host's
     * liveness check of the peer's process) finds member {@code peer} silent. A follower of that peer
     * wakes if quiesced and behaves as if its election timer expired: it campaigns at once, with
     * PreVote if enabled (with {@link RaftServerOptions#leaseReads()} only once the lease promise of
     * its last acknowledgement lapsed, an election timeout after it last heard the leader). A
     * quiesced leader that suspects one of its members wakes, so that CheckQuorum runs again. This
     * is how a quiesced group notices a dead leader (see {@link RaftServerOptions#quiesce()}); a
     * false suspicion is safe (Raft elections always are), and a leader that is in fact alive keeps
     * its followers in a quiesced group (docs/core.md, "Quiescence"). Any thread, never blocks;
     * ignored unless running.
     *
     * @param peer the member that seems to have failed
     */
    public void peerSuspected(NodeId peer) {
        Objects.requireNonNull(peer, "peer");
        intake.readLock().lock();
        try {
            if (state == State.RUNNING) inputs.add(new Input.PeerSuspected(peer));
        } finally {
            intake.readLock().unlock();
        }
    }

    /**
     * Whether this server is serving, repairing, or stopped and why (see {@link ServerHealth}); any
     * thread, never blocks. After a fatal error it says {@code STOPPED} with the cause at once,
     * while the server is still closing.
     *
     * @return the health
     */
    public ServerHealth health() {
        ServerHealth failed = failure;
        if (failed != null) return failed;
        return switch (state) {
            case NEW -> ServerHealth.of(ServerHealth.State.NEW);
            case RUNNING -> statusBoard.repairing() ? ServerHealth.repairing() : ServerHealth.of(ServerHealth.State.RUNNING);
            case CLOSING, CLOSED -> ServerHealth.of(ServerHealth.State.STOPPED);
        };
    }


    /** {@return the latest status published by the consensus thread; any thread, never blocks} */
    public ServerStatus status() {
        return statusBoard.current();
    }

    private NotLeaderException notLeader(Optional<NodeId> leader, String detail) {
        Optional<NodeId> other = leader.filter(l -> !l.equals(id));
        return new NotLeaderException(id, other, other.map(l -> membership.clients().get(l)), detail);
    }

    private ServerClosedException closedException(String message) {
        Throwable cause = fatalCause.get();
        return cause == null ? new ServerClosedException(message)
                : new ServerClosedException(message + " after a fatal error: " + cause, cause);
    }

    /**
     * A thread of ours hit an error the server cannot continue after: stop, from a fresh thread, then
     * tell the {@link Builder#onFatal} hook.
     */
    private void fatal(String what, Throwable cause) {
        // A storage future's failure arrives wrapped; the health names the storage's own error.
        if (cause instanceof CompletionException && cause.getCause() != null) cause = cause.getCause();
        if (!fatalCause.compareAndSet(null, cause)) return;
        ServerHealth failed = ServerHealth.failed(what, cause);
        failure = failed;
        LOG.error("{} stops: {}", id, what, cause);
        events.fatal(what, cause);
        userScheduler.start(threadName("shutdown"), () -> {
            close();
            try {
                onFatal.accept(failed);
            } catch (RuntimeException e) {
                LOG.warn("{}: the onFatal hook failed", id, e);
            }
            return Scheduler.DONE;
        });
    }

    /**
     * Stops the server: refuses new requests, stops the consensus thread (no more ticks), lets the
     * persist thread finish the writes in flight, stops the applier, closes the transport, the log
     * storage and the hard-state store, and completes every pending future: requests not yet in the
     * log fail with {@link ServerClosedException}, commands in the log with
     * {@link OutcomeUnknownException}. Waits up to {@link RaftServerOptions#shutdownTimeout()} for
     * each thread. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (state == State.CLOSED) return;
            boolean started = state == State.RUNNING;
            intake.writeLock().lock();
            try {
                state = State.CLOSING;
            } finally {
                intake.writeLock().unlock();
            }
            LOG.info("{} closing", id);
            if (started) {
                inputs.add(new Input.Stop());
                await("consensus", consensusActivity);
                snapshotTransfers.cancelAll();
                snapshotReceiver.close();
                persist.stop();
                await("persist", persistActivity); // it waits up to shutdownTimeout for writes in flight, then finishes
                applier.stop();
                await("apply", applierActivity);
                stopDiskSide(); // before the log closes
                callbacks.shutdown();
                try {
                    if (!callbacks.awaitTermination(options.shutdownTimeout().toMillis())) {
                        LOG.warn("{}: callbacks did not finish within {}", id, options.shutdownTimeout());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ServerClosedException closed = closedException("server " + id + " closed before the command's outcome was known");
            proposals.failAll(new OutcomeUnknownException(closed.getMessage(), closed));
            for (Pending p : deadlines) p.future.completeExceptionally(closedException("server " + id + " closed"));
            membership.failQueued(closedException("server " + id + " closed"));
            deadlines.clear();
            closeQuietly("transport", transport);
            closeQuietly("log storage", log);
            closeQuietly("hard-state store", hardStateStore);
            snapshotStore.ifPresent(s -> closeQuietly("snapshot store", s));
            for (AutoCloseable resource : alsoClose) closeQuietly(resource.getClass().getSimpleName(), resource);
            statusBoard.stopped(applier == null ? 0 : applier.appliedIndex());
            state = State.CLOSED;
            LOG.info("{} closed", id);
        }
    }

    /** Stops the log-reader and compaction activities, waiting (bounded) for a read or compaction under way. */
    private void stopDiskSide() {
        try {
            long timeout = options.shutdownTimeout().toMillis();
            if (!logReads.close(timeout)) LOG.warn("{}: a log read did not finish within {} ms", id, timeout);
            if (!compactor.close(timeout)) LOG.warn("{}: log compaction did not finish within {} ms", id, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void await(String role, Scheduler.Activity activity) {
        try {
            // A little beyond shutdownTimeout, so an activity that waits that long itself can still finish.
            if (!activity.awaitDone(options.shutdownTimeout().toMillis() + 1_000)) {
                LOG.warn("{}: activity {} did not stop within {}", id, role, options.shutdownTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly(String what, AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("{}: closing the {} failed", id, what, e);
        }
    }

    /**
     * Builds a {@link RaftServer}. Every plug is required except the options; the builder checks
     * the configuration and refuses nulls.
     */
    public static final class Builder {
        private NodeId id;
        private Map<NodeId, Endpoint> members;
        /** Present when built with {@link #members(Collection)}: raft addresses and roles too. */
        private List<Member> memberList;
        private boolean joining;
        private StateMachine stateMachine;
        private LogStorage log;
        private HardStateStore hardStateStore;
        private Transport transport;
        private RaftServerOptions options = RaftServerOptions.defaults();
        private final List<AutoCloseable> alsoClose = new ArrayList<>();
        private SnapshotStore snapshotStore;
        private SnapshotOptions snapshotOptions = SnapshotOptions.defaults();
        private Duration sessionExpiry = Duration.ofHours(1);
        private Scheduler scheduler = Scheduler.threads();
        private Scheduler diskScheduler = scheduler;
        private Scheduler userScheduler = scheduler;
        private Clock clock = Clock.system();
        private Consumer<ServerHealth> onFatal = health -> { };
        private final List<RaftListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * The runtime SPI: where the server's activities run and the time they run on. Production
         * keeps the defaults, {@link Scheduler#threads()} and {@link Clock#system()}; a
         * deterministic simulator (raft-testkit) passes its own, so that it runs this very server
         * single-threaded in simulated time.
         *
         * @param value where the activities run
         * @param time  the clock they run on
         * @return this builder
         */
        public Builder runtime(Scheduler value, Clock time) {
            return runtime(value, value, value, time);
        }

        /**
         * The runtime SPI with the server's activities kept apart by what they do, so that shared
         * {@link Scheduler#pool pools} of threads (a {@link RaftHost}'s) cannot starve consensus work
         * with blocking work: the consensus loop, which never blocks, on {@code consensus}; the
         * persist pipeline (which saves the hard state with an fsync inside its run) and snapshot
         * transfers on {@code disk}; the applier (the {@link StateMachine}), the callbacks that
         * complete callers' futures, and the shutdown after a fatal error on {@code user}.
         *
         * @param consensus where the consensus loop runs
         * @param disk      where the activities that wait for the disk run
         * @param user      where the activities that run user code run
         * @param time      the clock they all run on
         * @return this builder
         */
        public Builder runtime(Scheduler consensus, Scheduler disk, Scheduler user, Clock time) {
            scheduler = Objects.requireNonNull(consensus, "consensus scheduler");
            diskScheduler = Objects.requireNonNull(disk, "disk scheduler");
            userScheduler = Objects.requireNonNull(user, "user scheduler");
            clock = Objects.requireNonNull(time, "clock");
            return this;
        }

        /**
         * Called once, on a thread of the server's, after the server stopped by itself because of a
         * fatal error (a failed log or hard-state write, a state machine that threw, a broken
         * invariant) and finished closing; it gets the {@link RaftServer#health()} with the cause.
         * A process that embeds one server typically logs it and exits with a non-zero status, so
         * its supervisor restarts it from its directory. Not called for {@link RaftServer#close()}.
         *
         * @param hook receives the health with the cause
         * @return this builder
         */
        public Builder onFatal(Consumer<ServerHealth> hook) {
            onFatal = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Adds a listener for the server's {@link RaftEvent}s (role and leader changes, elections,
         * membership, snapshots, catch-up, fatal errors, a report every second); call again for more.
         * See {@link RaftListener} for its threading contract.
         *
         * @param value the listener
         * @return this builder
         */
        public Builder listener(RaftListener value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /**
         * Where snapshots are kept (Raft paper §7); the server closes it. Without one the server
         * never snapshots or compacts, and cannot receive a snapshot: give every member one.
         *
         * @param value the store
         * @return this builder
         */
        public Builder snapshotStore(SnapshotStore value) {
            snapshotStore = Objects.requireNonNull(value, "snapshotStore");
            return this;
        }

        /**
         * How long a client session of {@link RaftServer#submit(String, long, Bytes)} may stay idle
         * before it expires, in log time (the leaders' clocks as stamped into the log; default 1 h).
         * Every member must use the same value.
         *
         * @param value the idle time after which a session expires
         * @return this builder
         */
        public Builder sessionExpiry(Duration value) {
            Objects.requireNonNull(value, "sessionExpiry");
            if (value.isNegative() || value.isZero()) throw new IllegalArgumentException("sessionExpiry must be positive: " + value);
            sessionExpiry = value;
            return this;
        }

        /**
         * When to snapshot and compact, and how to stream snapshots; {@link SnapshotOptions#defaults()} when not given.
         *
         * @param value the options
         * @return this builder
         */
        public Builder snapshotOptions(SnapshotOptions value) {
            snapshotOptions = Objects.requireNonNull(value, "snapshotOptions");
            return this;
        }

        /**
         * This member's id; must be one of the {@link #members}, unless it is {@link #joining()}.
         *
         * @param value this member's id
         * @return this builder
         */
        public Builder id(NodeId value) {
            id = Objects.requireNonNull(value, "id");
            return this;
        }

        /**
         * The initial members with both their addresses and roles: the server tells the transport
         * where each one is ({@link Transport#addPeer}) and carries the addresses along with every
         * membership change, so new members learn them from the log. For a server added to a
         * running group, pass the group's <em>current</em> members and call {@link #joining()}.
         * The log's latest configuration, when there is one, takes precedence (thesis §4.1).
         *
         * @param value the members, with their addresses and roles
         * @return this builder
         */
        public Builder members(Collection<Member> value) {
            List<Member> list = List.copyOf(Objects.requireNonNull(value, "members"));
            Map<NodeId, Endpoint> clients = new LinkedHashMap<>();
            for (Member m : list) {
                if (clients.put(m.id(), m.client()) != null) throw new IllegalArgumentException("duplicate member id " + m.id());
            }
            if (list.stream().noneMatch(Member::voter)) throw new IllegalArgumentException("members " + list + " include no voter");
            memberList = list;
            members = Map.copyOf(clients);
            return this;
        }

        /**
         * This server is new and not among the {@link #members}: it does not campaign, and waits for
         * the leader to add it ({@link RaftServer#addLearner}, {@link RaftServer#addVoter}) and send it the log.
         *
         * @return this builder
         */
        public Builder joining() {
            joining = true;
            return this;
        }

        ClusterConfig bootstrapConfig() {
            TreeSet<NodeId> voters = new TreeSet<>();
            TreeSet<NodeId> learners = new TreeSet<>();
            for (Member m : memberList) (m.voter() ? voters : learners).add(m.id());
            return new ClusterConfig(voters, new TreeSet<>(), learners);
        }

        MembershipBook addressBook() {
            return MembershipBook.of(memberList);
        }

        /**
         * The user's replicated service; see {@link StateMachine} for its threading contract.
         *
         * @param value the state machine
         * @return this builder
         */
        public Builder stateMachine(StateMachine value) {
            stateMachine = Objects.requireNonNull(value, "stateMachine");
            return this;
        }

        /**
         * The durable log and the term/vote store; the server closes both.
         *
         * @param logStorage the log
         * @param hardState  the term and vote store
         * @return this builder
         */
        public Builder storage(LogStorage logStorage, HardStateStore hardState) {
            log = Objects.requireNonNull(logStorage, "logStorage");
            hardStateStore = Objects.requireNonNull(hardState, "hardStateStore");
            return this;
        }

        /**
         * How members reach each other; the server starts and closes it.
         *
         * @param value the transport
         * @return this builder
         */
        public Builder transport(Transport value) {
            transport = Objects.requireNonNull(value, "transport");
            return this;
        }

        /**
         * Another resource for {@link #close()} to close, after the plugs, in the order given: for
         * example the {@code FileStorage} that holds the log and hard-state store and their directory lock.
         *
         * @param resource closed by {@link RaftServer#close()}
         * @return this builder
         */
        public Builder closeWith(AutoCloseable resource) {
            alsoClose.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * Tuning; {@link RaftServerOptions#defaults()} when not given.
         *
         * @param value the options
         * @return this builder
         */
        public Builder options(RaftServerOptions value) {
            options = Objects.requireNonNull(value, "options");
            return this;
        }

        /**
         * Checks the description and creates the server.
         *
         * @return the server, not started
         * @throws IllegalStateException naming what is missing or inconsistent
         */
        public RaftServer build() {
            require(id, "id");
            require(members, "members");
            require(stateMachine, "stateMachine");
            require(log, "storage");
            require(transport, "transport");
            if (joining && members.containsKey(id)) {
                throw new IllegalStateException(id + " is among the members " + members.keySet() + ", so it is not joining");
            }
            if (!joining && !members.containsKey(id)) {
                throw new IllegalStateException("members " + members.keySet() + " must include this server's id " + id
                        + " (or call joining() for a new server waiting to be added)");
            }
            return new RaftServer(this);
        }

        private static void require(Object value, String name) {
            if (value == null) throw new IllegalStateException(name + " is required");
        }
    }
}
