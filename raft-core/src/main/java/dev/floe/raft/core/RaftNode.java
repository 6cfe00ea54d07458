package dev.floe.raft.core;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.HardState;
import dev.floe.raft.LogReader;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.ReadIndexRequest;
import dev.floe.raft.message.ReadIndexResponse;
import dev.floe.raft.message.SnapshotRequest;
import dev.floe.raft.message.TermProbe;
import dev.floe.raft.message.TermProbeResponse;
import dev.floe.raft.message.TimeoutNow;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.message.VoteResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a Raft group as a pure, deterministic state machine (shaped after etcd/raft's
 * RawNode). It has no threads, clock, sockets or files: the caller feeds it inputs —
 * {@link #tick()}, {@link #step(Message)}, {@link #propose(Bytes)}, {@link #persisted(long, long)} —
 * and collects outputs with {@link #ready()}, honouring the ordering contract documented on
 * {@link Ready}. Given the same inputs and the same random source it produces the same outputs.
 *
 * <p>Not thread-safe: one thread (the server's consensus thread, or the simulator) owns it.
 */
public final class RaftNode {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final NodeId id;
    private final RaftOptions options;
    private final RandomGenerator random;
    private final RaftLog log;
    /** The configuration in force: the latest in the log, committed or not (thesis §4.1). */
    private ClusterConfig config;
    private final ConfigHistory configs;
    private Optional<ConfigEntry> configChanged = Optional.empty();
    /** Index of the leader's latest configuration entry; a new change waits until it commits (§4.1). */
    private long pendingConfigIndex;

    /** The target of a leadership transfer in progress (thesis §3.10), and its elapsed ticks. */
    private Optional<NodeId> transferTarget = Optional.empty();
    private int transferElapsed;
    private Optional<TransferResult> transferResult = Optional.empty();

    // Persistent state (Raft paper Figure 2); reported through Ready.hardState when it changes.
    private long term;
    private Optional<NodeId> votedFor;
    private HardState lastReadyHardState;
    /** Present while this node repairs damaged durable state: it does not vote until caught up. */
    private final Repair repair;

    private Role role = Role.FOLLOWER;
    private Optional<NodeId> leader = Optional.empty();

    /** Ticks since the last reset; followers reset it only on hearing a current leader or granting a vote (§5.2). */
    private int electionElapsed;
    private int heartbeatElapsed;
    /** Randomized in [T, 2T) at every reset so split votes resolve (Raft paper §5.2). */
    private int randomizedElectionTimeout;

    /**
     * As a follower, the newest heartbeat round heard from the current leader (0 after a restart or
     * a change of leader or term); rejections carry it so the leader can tell fresh from stale ones.
     */
    private long heardRound;

    /**
     * As a follower, the highest index a consistency check of the current leader in this term has
     * verified (prevLogIndex/prevLogTerm matched, plus the entries it carried), or a snapshot's last
     * index. A heartbeat may advance the commit index only this far (see {@link #stepFollower}).
     * Not persisted: 0 after a restart, and reset on every change of term.
     */
    private long verifiedIndex;

    /** Ticks since this process started, up to an election timeout (for lease reads' startup quiet). */
    private int ticksSinceStart;

    /**
     * Quiescence (CockroachDB's; off unless {@link RaftOptions#quiesceTicks()} is set): the group was
     * idle and fully caught up, so this node neither counts ticks nor sends heartbeats until something
     * wakes it (see {@link #wakes}). Its clock stopped: what it counted before says nothing about now.
     */
    private boolean quiesced;

    /** Votes in the current (pre-)campaign. */
    private final Set<NodeId> votesGranted = new TreeSet<>();
    private final Set<NodeId> votesRejected = new TreeSet<>();

    /** Present only while leading. */
    private Replication replication;

    /** Reads this follower forwarded to the leader and still waits for (thesis §6.4). */
    private final Set<Long> forwardedReads = new TreeSet<>();
    private final ArrayList<ReadState> readStates = new ArrayList<>();
    /** A snapshot installed since the last Ready, for the caller to reset its log and state machine to. */
    private Optional<SnapshotMeta> installedSnapshot = Optional.empty();
    /** Peers the leader found needing a snapshot since the last Ready. */
    private final ArrayList<NodeId> snapshotTransfers = new ArrayList<>();

    private final ArrayList<Message> messages = new ArrayList<>();
    private final ArrayList<Message> messagesAfterPersist = new ArrayList<>();

    private RaftNode(NodeId id, RaftOptions options, ClusterConfig config, HardState hardState, LogReader durableLog,
                     long appliedIndex, RandomGenerator random) {
        this.id = id;
        this.options = options;
        this.config = config;
        this.random = random;
        this.log = new RaftLog(durableLog, appliedIndex);
        this.term = hardState.term();
        this.votedFor = hardState.votedFor();
        this.lastReadyHardState = hardState;
        this.configs = new ConfigHistory(new ConfigEntry(log.snapshotIndex(), config, Bytes.EMPTY));
        loadConfigsFromLog();
        this.config = configs.current().config();
        // A sole voter has no one to repair from; it carries on with what it has.
        boolean soleVoter = config.voters().equals(Set.of(id)) && config.votersOutgoing().isEmpty();
        boolean repairing = hardState.repairing() && !soleVoter;
        this.repair = new Repair(repairing, repairing ? random.nextLong() : 0);
        this.log.listener(new RaftLog.Listener() {
            @Override
            public void truncatedFrom(long index) {
                verifiedIndex = Math.min(verifiedIndex, index - 1);
                if (configs.truncateFrom(index)) configurationChanged();
            }

            @Override
            public void configAppended(Entry entry) {
                configs.append(ConfigEntry.decode(entry.index(), entry.data()));
                configurationChanged();
            }
        });
        resetElectionTimer();
        if (repair.active()) {
            LOG.warn("{} [term {}] is repairing its durable state: it will not vote or campaign until it has caught up with a leader",
                    id, term);
        }
    }

    /** A restarted node's membership is the latest configuration in its log (thesis §4.1). */
    private void loadConfigsFromLog() {
        long next = log.firstIndex();
        long last = log.lastIndex();
        while (next <= last) {
            List<Entry> batch = log.readAtStart(next, last + 1, 4L << 20);
            for (Entry e : batch) {
                if (e.type() == EntryType.CONFIG) configs.append(ConfigEntry.decode(e.index(), e.data()));
            }
            next = batch.get(batch.size() - 1).index() + 1;
        }
    }

    private void configurationChanged() {
        ConfigEntry current = configs.current();
        config = current.config();
        configChanged = Optional.of(current);
        LOG.info("{} [term {}] configuration is now {} (entry {})", id, term, config, current.index());
        if (replication != null) replication.reconfigure(config);
    }

    /**
     * Creates a node from what its storage holds: the saved hard state and the durable log.
     *
     * @param config       the membership in force (bootstrap members, or the latest in the log/snapshot)
     * @param appliedIndex the index the state machine has already applied (0, or the snapshot index);
     *                     committed entries after it will be handed out again for applying
     * @param random       the only source of randomness (election timeouts); seed it for reproducibility
     */
    public static RaftNode create(RaftOptions options, NodeId id, ClusterConfig config, HardState hardState,
                                  LogReader durableLog, long appliedIndex, RandomGenerator random) {
        return new RaftNode(id, options, config, hardState, durableLog, appliedIndex, random);
    }

    // ------------------------------------------------------------------ inputs

    /** Advances logical time by one tick: elections time out, leaders send heartbeats. A quiesced node ignores it. */
    public void tick() {
        if (quiesced) return; // a quiet group counts no time: no election timer, no heartbeats, no CheckQuorum
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            tickElection();
        }
    }

    private void tickElection() {
        if (repair.probeDue(options.heartbeatTicks())) probeTerms();
        if (ticksSinceStart < options.electionTicks()) ticksSinceStart++;
        electionElapsed++;
        if (electionElapsed < randomizedElectionTimeout) return;
        if (isPromotable()) {
            electionElapsed = 0;
            campaign(options.preVote() ? Campaign.PRE_VOTE : Campaign.ELECTION);
        } else if (leader.isEmpty() && config.learners().contains(id) && !repair.active()) {
            // A learner never campaigns, so one that knows no leader for an election timeout (it
            // restarted while its group was quiescent, say) would wait for the next write: it asks
            // the voters for their term instead, which wakes a quiesced leader, whose heartbeats then
            // bring it the leader and the commit index.
            electionElapsed = 0;
            for (NodeId voter : config.voters()) send(new TermProbe(id, voter, term, repair.probeId()));
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        replication.tick();
        if (transferTarget.isPresent() && ++transferElapsed >= options.electionTicks()) {
            LOG.info("{} [term {}] aborts the leadership transfer to {}: it did not take over within an election timeout", id, term, transferTarget.get());
            transferResult = Optional.of(new TransferResult(transferTarget.get(), false));
            transferTarget = Optional.empty();
        }
        if (electionElapsed >= options.electionTicks()) {
            electionElapsed = 0;
            // CheckQuorum (thesis §6.2): a leader cut off from a majority steps down, so that clients
            // stop waiting on it and a partitioned old leader cannot serve stale reads.
            boolean quorumActive = replication.quorumActiveAndReset();
            replication.leaseValid = quorumActive;
            if (options.checkQuorum() && !quorumActive) {
                LOG.info("{} [term {}] steps down: no quorum heard within an election timeout", id, term);
                becomeFollower(term, Optional.empty());
                return;
            }
            // Followers commit from heartbeats only what an append verified in this term, so one that
            // restarted learns the commit index from an append: once per election timeout, idle
            // caught-up followers get an empty one (it also exposes a log that went backwards).
            replication.verifyIdleFollowers();
        }
        Replication.Quiet quiet = options.quiesceTicks() > 0
                ? replication.idleFor(options.quiesceTicks(), leaderIdle(), options.electionTicks()) : Replication.Quiet.NO;
        if (quiet == Replication.Quiet.NOW) {
            quiesceLeader();
            return;
        }
        if (heartbeatElapsed >= options.heartbeatTicks()) {
            heartbeatElapsed = 0;
            if (quiet != Replication.Quiet.HOLD_HEARTBEATS) replication.broadcastHeartbeat();
        }
    }

    /**
     * The leader's own half of "nothing to do": no entry is uncommitted, undurable or not yet handed
     * out for applying, no configuration change or leadership transfer is under way. (Replication adds
     * the followers' half: every member caught up and answering, no read pending.)
     */
    private boolean leaderIdle() {
        long last = log.lastIndex();
        return transferTarget.isEmpty() && log.committed() == last && log.durableIndex() == last
                && log.applying() == last && !config.isJoint() && pendingConfigIndex <= last
                && log.term(last) == term && !repair.active();
    }

    /**
     * The group has been idle and caught up for {@code quiesceTicks}: the leader's last word is an
     * empty append at its last index, committed (the quiesce request), and it goes quiet at once.
     * That append also does the job of the empty append idle followers get every election timeout
     * ({@link Replication#verifyIdleFollowers()}): its consistency check verifies the follower's whole
     * log, so a follower that restarted commits to the end before it sleeps, and one whose log went
     * backwards rejects it, which wakes the leader to repair it (see docs/core.md).
     *
     * <p>Going quiet together with the request, not after the followers' answers, is what keeps the
     * lease safe (thesis §6.4.1): a quiesced follower that its failure detector then tells to campaign
     * is released only from promises no leader still relies on, since this leader serves no lease
     * read from the moment it sends the request (see {@link #leaseReadIndex()} and {@link #wake()}).
     */
    private void quiesceLeader() {
        replication.broadcastQuiesce();
        quiesced = true;
        LOG.debug("{} [term {}] quiesces: idle and caught up at index {}", id, term, log.lastIndex());
    }

    /**
     * A quiesce request from the leader this follower already followed in this term: it goes quiet
     * only if that append just verified a log that ends exactly at the leader's last index, all of it
     * committed and handed out for applying (CockroachDB's check: same last index, same commit). A
     * request that does not match, or comes from a leader it did not follow in this term before this
     * message, leaves it awake: it then notices a silent leader by its election timer as usual.
     */
    private void onQuiesceRequest(AppendRequest m, boolean fromCurrentLeader) {
        long last = m.prevLogIndex();
        boolean matches = role == Role.FOLLOWER && fromCurrentLeader && options.quiesceTicks() > 0
                && m.entries().isEmpty() && m.leaderCommit() == last
                && log.lastIndex() == last && log.committed() == last && verifiedIndex >= last
                && log.applying() == last && forwardedReads.isEmpty() && !repair.active();
        if (matches) {
            if (!quiesced) LOG.debug("{} [term {}] quiesces with leader {} at index {}", id, term, m.from(), last);
            quiesced = true;
        } else {
            wake();
        }
    }

    /**
     * {@return whether the entry at the commit index is of the current term} On a leader: whether it
     * has committed an entry of its own term yet, before which it takes no configuration change
     * (thesis §4.1, the single-server fix) and confirms no read (thesis §6.4).
     */
    public boolean committedInCurrentTerm() {
        return log.term(log.committed()) == term;
    }

    /** {@return whether this node is quiesced: it ignores ticks and sends no heartbeats until woken} */
    public boolean isQuiesced() {
        return quiesced;
    }

    /**
     * Wakes a quiesced node. Its clock stopped while it slept, so nothing it counted in ticks before
     * may be trusted as a measure of time now:
     * <ul>
     *   <li>a leader announces itself at once (a heartbeat round, so every follower wakes and resets
     *       its election timer), restarts CheckQuorum (thesis §6.2) with every member unheard, and
     *       moves its lease clock an election timeout ahead, so no acknowledgement received before it
     *       slept can ever back a lease read (thesis §6.4.1): only rounds sent after waking do;</li>
     *   <li>a follower gives its leader a full election timeout from now to be heard (§5.2): a quiet
     *       leader is silent by design, so silence while asleep is no evidence that it failed. A
     *       detector outside the core says that instead ({@link #peerSuspected}).</li>
     * </ul>
     */
    private void wake() {
        if (!quiesced) return;
        quiesced = false;
        if (role == Role.LEADER) {
            electionElapsed = 0;
            heartbeatElapsed = 0;
            replication.woke(options.electionTicks());
            replication.broadcastHeartbeat();
        } else {
            electionElapsed = 0;
        }
        LOG.debug("{} [term {}] wakes", id, term);
    }

    /**
     * Whether {@code m} wakes a quiesced node. Not: a stale message (answered, never acted on);
     * answers that only confirm what it knows — heartbeat answers, successful append answers (the
     * quiesce request's own acknowledgements), vote answers (only a candidate counts them, and one of a
     * higher term demotes us anyway); a quiesce request, which decides for itself
     * ({@link #onQuiesceRequest}). Everything else does: a leader's append or heartbeat, a candidate's
     * (pre-)vote request, a rejection (a follower that lost entries must be repaired), a read,
     * a snapshot, TimeoutNow, and any message of a higher term.
     */
    private boolean wakes(Message m) {
        // A repairing member's term probe wakes a quiesced leader (whatever the probe's term): the
        // member needs its appends to catch up and, never campaigning, sends nothing else that would.
        // It wakes a follower of the prober too: a leader never probes, so ours restarted and leads
        // no more; awake, the follower's election timer notices (raft-testkit seed 100 of
        // LostHardStateSimulationTest: both followers slept for ever beside their repairing leader).
        if (m instanceof TermProbe) return role == Role.LEADER || leader.equals(Optional.of(m.from()));
        if (m instanceof TermProbeResponse) return false;
        if (m.term() < term) return false;
        if (m instanceof HeartbeatResponse || m instanceof VoteResponse) return false;
        if (m instanceof AppendResponse ar) return !ar.success();
        if (role == Role.FOLLOWER && m.term() == term && leader.equals(Optional.of(m.from()))) {
            // Our leader's messages sent before its quiesce request, delivered late (reordered or
            // duplicated), carry nothing new: waking on them would leave us awake beside a sleeping
            // leader, to time out and campaign for nothing. A heartbeat of a round we already heard
            // is such a one, and so is an append whose entries and commit index we already hold
            // committed. A woken leader's heartbeats start a new round, and its appends carry news.
            if (m instanceof HeartbeatRequest hb) return hb.readContext() > heardRound;
            if (m instanceof AppendRequest ar) {
                return !ar.quiesce() && (ar.lastIndex() > log.committed() || ar.leaderCommit() > log.committed());
            }
        }
        if (m instanceof AppendRequest ar) return !ar.quiesce();
        // A (pre-)vote request of a member outside our configuration, typically one removed that
        // still campaigns with its old configuration, is ignored below while we follow a live
        // leader (thesis §4.2.3), and it never reaches our sleeping leader: woken by it, we would tick
        // alone and time out against that leader, again and again (full-runtime simulation, seed
        // 27009). A quiesced member is caught up with its leader, so its configuration is current.
        if (m instanceof VoteRequest && !config.isVoter(m.from())) return false;
        return true;
    }

    /**
     * The caller's failure detector (for example a multi-group host's liveness check of the peer's
     * process) finds {@code peer} silent. A follower of that peer behaves as if its election timer
     * expired: it wakes and campaigns, with PreVote if enabled (§5.2, thesis §9.6). This is how a
     * quiesced follower notices a dead leader, which its stopped election timer cannot.
     *
     * <p>With lease reads on, a follower's last acknowledgement promised its leader not to help elect
     * anyone else for an election timeout (thesis §6.4.1), and a suspicion does not release that
     * promise: it then campaigns the tick the promise lapses (an election timeout after it last heard
     * the leader by its ticks, counted from waking when it was quiesced).
     *
     * <p>A quiesced leader that suspects one of its members wakes, so CheckQuorum (thesis §6.2) judges
     * its group by ticks again. Anything else is ignored.
     *
     * @param peer the member the failure detector finds silent
     */
    public void peerSuspected(NodeId peer) {
        if (role == Role.LEADER) {
            if (quiesced && config.contains(peer)) {
                LOG.info("{} [term {}] wakes: member {} is suspected to have failed", id, term, peer);
                wake();
            }
            return;
        }
        if (role != Role.FOLLOWER || !leader.equals(Optional.of(peer))) return;
        wake();
        if (!isPromotable()) return;
        if (options.leaseReads() && electionElapsed < options.electionTicks()) {
            LOG.info("{} [term {}] leader {} is suspected to have failed: campaigning once its lease promise lapses in {} ticks",
                    id, term, peer, options.electionTicks() - electionElapsed);
            randomizedElectionTimeout = options.electionTicks();
            return;
        }
        LOG.info("{} [term {}] leader {} is suspected to have failed: campaigning", id, term, peer);
        electionElapsed = 0;
        campaign(options.preVote() ? Campaign.PRE_VOTE : Campaign.ELECTION);
    }

    /**
     * Proposes a command. The leader appends it to its log and replicates it with the next
     * {@link #ready()}; anyone else refuses it, naming the leader if known.
     */
    public ProposeResult propose(Bytes command) {
        return proposeEntry(EntryType.COMMAND, command);
    }

    /**
     * Proposes a membership change to {@code target} (voters and learners), with {@code context}
     * carried along in the entry (the server stores the members' addresses there). A change of at
     * most one voter is applied directly (thesis §4.1); a larger one goes through joint consensus
     * (paper §6) and the leader leaves the joint configuration by itself once it commits. Refused
     * unless this node leads, has committed an entry of its term, and has no other change pending —
     * the single-server safety fix (thesis §4.1, "one change at a time, after the leader's first commit").
     */
    public ProposeResult proposeConfig(ClusterConfig target, Bytes context) {
        if (role != Role.LEADER) return new ProposeResult.Rejected(ProposeResult.Reason.NOT_LEADER, leader);
        wake();
        if (transferTarget.isPresent()) return new ProposeResult.Rejected(ProposeResult.Reason.LEADERSHIP_TRANSFER, leader);
        if (!committedInCurrentTerm()) {
            return new ProposeResult.Rejected(ProposeResult.Reason.CONFIG_CHANGE_IN_PROGRESS, leader,
                    "the new leader has not yet committed an entry of its term");
        }
        if (pendingConfigIndex > log.committed()) {
            return new ProposeResult.Rejected(ProposeResult.Reason.CONFIG_CHANGE_IN_PROGRESS, leader,
                    "the configuration change at index " + pendingConfigIndex + " is not yet committed");
        }
        ConfigChangeRules.Result plan = ConfigChangeRules.plan(config, target);
        if (plan instanceof ConfigChangeRules.Result.Invalid invalid) {
            return new ProposeResult.Rejected(ProposeResult.Reason.INVALID_CONFIG_CHANGE, leader, invalid.reason());
        }
        return appendConfig(plan.entryConfig().orElseThrow(), context);
    }

    private ProposeResult appendConfig(ClusterConfig next, Bytes context) {
        long index = log.lastIndex() + 1;
        pendingConfigIndex = index;
        replication.appendNew(new Entry(term, index, EntryType.CONFIG, ConfigEntry.encode(next, context)));
        return new ProposeResult.Accepted(index, term);
    }

    /**
     * The leader committed up to a new index: leave a committed joint configuration (paper §6),
     * and step down once a configuration without this node is committed (thesis §4.2.2).
     */
    void onLeaderCommitted() {
        ConfigEntry current = configs.current();
        if (current.index() > log.committed() || pendingConfigIndex > log.committed()) return;
        if (current.config().isJoint()) {
            LOG.info("{} [term {}] joint configuration {} committed; leaving it", id, term, current.config());
            appendConfig(ConfigChangeRules.leaveJoint(current.config()), current.context());
        } else if (!current.config().isVoter(id)) {
            LOG.info("{} [term {}] steps down: the committed configuration {} no longer includes it", id, term, current.config());
            becomeFollower(term, Optional.empty());
        }
    }

    /**
     * Starts handing leadership to {@code target} (thesis §3.10): new proposals are refused, the
     * target is brought up to date, then told to campaign at once (TimeoutNow). The outcome arrives
     * as {@link Ready#transfer()} within about an election timeout.
     */
    public ProposeResult transferLeadership(NodeId target) {
        if (role != Role.LEADER) return new ProposeResult.Rejected(ProposeResult.Reason.NOT_LEADER, leader);
        wake();
        if (target.equals(id)) return new ProposeResult.Rejected(ProposeResult.Reason.INVALID_CONFIG_CHANGE, leader, target + " already leads");
        if (!config.voters().contains(target)) {
            return new ProposeResult.Rejected(ProposeResult.Reason.INVALID_CONFIG_CHANGE, leader, target + " is not a voter");
        }
        if (transferTarget.isPresent()) {
            return new ProposeResult.Rejected(ProposeResult.Reason.LEADERSHIP_TRANSFER, leader, "a transfer to " + transferTarget.get() + " is in progress");
        }
        LOG.info("{} [term {}] transfers leadership to {}", id, term, target);
        transferTarget = Optional.of(target);
        transferElapsed = 0;
        replication.sendTimeoutNowIfCaughtUp(target);
        return new ProposeResult.Accepted(log.lastIndex(), term);
    }

    /**
     * Starts a linearizable read (thesis §6.4): the answer arrives as a {@link ReadState} in a later
     * {@link Ready}. No log entry is written. On a follower the request is forwarded to the leader.
     * {@code requestId} is the caller's; it must be unique among the caller's pending reads.
     */
    public void readIndex(long requestId) {
        wake(); // a follower's read is forwarded to the leader, which wakes too
        if (role == Role.LEADER) {
            leaderRead(requestId, Optional.empty());
        } else if (leader.isPresent()) {
            forwardedReads.add(requestId);
            send(new ReadIndexRequest(id, leader.get(), term, requestId));
        } else {
            readStates.add(new ReadState.Rejected(requestId, Optional.empty()));
        }
    }

    /** The leader's side of a read, its own or forwarded by {@code origin}. */
    void leaderRead(long requestId, Optional<NodeId> origin) {
        replication.active();
        if (!committedInCurrentTerm()) {
            // Until an entry of its term commits, a new leader does not know the full commit index (§6.4 step 1).
            replication.reads().defer(requestId, origin);
            return;
        }
        if (Quorum.isActiveQuorum(config.voters(), config.votersOutgoing(), Set.of(id))) {
            answerRead(requestId, origin, log.committed()); // a single voter confirms itself
            return;
        }
        replication.reads().add(requestId, origin, log.committed());
    }

    void answerRead(long requestId, Optional<NodeId> origin, long readIndex) {
        if (origin.isEmpty()) {
            readStates.add(new ReadState.Ready(requestId, readIndex));
        } else {
            send(new ReadIndexResponse(id, origin.get(), term, requestId, readIndex, true));
        }
    }

    private void rejectRead(long requestId, Optional<NodeId> origin) {
        if (origin.isEmpty()) {
            readStates.add(new ReadState.Rejected(requestId, leader));
        } else {
            send(new ReadIndexResponse(id, origin.get(), term, requestId, 0, false));
        }
    }

    private void onReadIndexResponse(ReadIndexResponse m) {
        if (!forwardedReads.remove(m.requestId())) return; // duplicate or already given up
        readStates.add(m.success() ? new ReadState.Ready(m.requestId(), m.readIndex())
                : new ReadState.Rejected(m.requestId(), leader));
    }

    /** Reads forwarded to a leader that is no longer ours will never be answered: fail them now. */
    private void rejectForwardedReads() {
        for (long requestId : forwardedReads) readStates.add(new ReadState.Rejected(requestId, Optional.empty()));
        forwardedReads.clear();
    }

    private ProposeResult proposeEntry(EntryType type, Bytes data) {
        if (role != Role.LEADER) {
            return new ProposeResult.Rejected(ProposeResult.Reason.NOT_LEADER, leader);
        }
        wake();
        if (transferTarget.isPresent()) {
            // Thesis §3.10: during a transfer the leader stops accepting new proposals.
            return new ProposeResult.Rejected(ProposeResult.Reason.LEADERSHIP_TRANSFER, leader);
        }
        long size = data.size() + Entry.OVERHEAD_BYTES;
        long pending = replication.uncommittedBytes();
        // An empty pipeline always admits one proposal, however large, so progress is possible.
        if (pending > 0 && pending + size > options.maxUncommittedBytes()) {
            return new ProposeResult.Rejected(ProposeResult.Reason.BACKPRESSURE, leader);
        }
        long index = log.lastIndex() + 1;
        replication.appendNew(new Entry(term, index, type, data));
        return new ProposeResult.Accepted(index, term);
    }

    /**
     * The caller reports the log durable up to {@code index}, which had {@code term} when written
     * (the last entry of a {@link Ready}). A report that no longer matches the log — the entries
     * were overwritten since — is ignored, so it can never count toward the newer entries.
     */
    public void persisted(long index, long term) {
        if (log.persisted(index, term) && role == Role.LEADER) {
            // The leader's own durable write may complete a majority (thesis §10.2.1).
            replication.maybeCommit();
        }
    }

    /** Handles a message from another member. Messages addressed to someone else are dropped. */
    public void step(Message m) {
        if (!m.to().equals(id)) {
            LOG.debug("{} [term {}] dropped message for {}: {}", id, term, m.to(), m);
            return;
        }
        if (quiesced && wakes(m)) wake();
        // Term probes are answered (or counted) whatever our term and role: they bind nothing (see Repair).
        if (m instanceof TermProbe probe) {
            answerTermProbe(probe);
            return;
        }
        if (m instanceof TermProbeResponse answer) {
            onTermProbeResponse(answer);
            return;
        }
        // Judged before the message can change our term or leader (see onQuiesceRequest).
        boolean fromCurrentLeader = role == Role.FOLLOWER && m.term() == term && leader.equals(Optional.of(m.from()));
        if (m.term() > term) {
            if (m instanceof VoteRequest vr && !vr.transfer() && inLeaderLease()) {
                // A follower that hears from a live leader ignores disruptive candidates (thesis §4.2.3).
                LOG.debug("{} [term {}] ignores {}: leader {} is alive", id, term, m, leader.orElse(null));
                return;
            }
            boolean futureTermProbe = (m instanceof VoteRequest vr && vr.preVote())
                    || (m instanceof VoteResponse resp && resp.preVote() && resp.granted());
            if (!futureTermProbe) {
                // Raft paper Figure 2: a higher term makes us a follower of that term.
                boolean fromLeader = m instanceof AppendRequest || m instanceof HeartbeatRequest || m instanceof SnapshotRequest;
                becomeFollower(m.term(), fromLeader ? Optional.of(m.from()) : Optional.empty());
            }
        } else if (m.term() < term) {
            rejectStale(m);
            return;
        }

        if (m instanceof VoteRequest vr) {
            handleVoteRequest(vr);
            return;
        }
        if (m instanceof ReadIndexResponse r) {
            onReadIndexResponse(r);
            return;
        }
        if (m instanceof ReadIndexRequest r && role != Role.LEADER) {
            send(new ReadIndexResponse(id, r.from(), term, r.requestId(), 0, false));
            return;
        }
        switch (role) {
            case LEADER -> stepLeader(m);
            case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
            case FOLLOWER -> stepFollower(m);
        }
        if (m instanceof AppendRequest ar && ar.quiesce()) onQuiesceRequest(ar, fromCurrentLeader);
    }

    /**
     * A message from an older term is not acted on (it would let a deposed leader or candidate
     * interfere). A stale leader is told our term (Figure 2: the reply carries currentTerm), so it
     * steps down even if PreVote or a lease keeps it from ever seeing a higher-term vote request.
     */
    private void rejectStale(Message m) {
        if (m instanceof AppendRequest || m instanceof HeartbeatRequest) {
            send(new HeartbeatResponse(id, m.from(), term, 0));
        } else if (m instanceof VoteRequest vr && vr.preVote()) {
            send(new VoteResponse(id, m.from(), term, true, false));
        } else if (m instanceof ReadIndexRequest r) {
            send(new ReadIndexResponse(id, r.from(), term, r.requestId(), 0, false));
        }
    }

    /**
     * Thesis §4.2.3: a server that heard from a current leader within the minimum election timeout
     * disregards vote requests, so servers removed from the configuration (which no longer hear
     * from the leader) cannot disrupt the cluster with ever higher terms. On regardless of PreVote
     * and CheckQuorum; leadership transfers are exempt.
     */
    private boolean inLeaderLease() {
        if (role == Role.LEADER) {
            // A leader ignores challengers only while a quorum answered it within the last election timeout.
            return replication.leaseValid;
        }
        if (options.leaseReads() && ticksSinceStart < options.electionTicks()) {
            // We may have acknowledged a leader's lease just before a restart: honour it blindly.
            return true;
        }
        return leader.isPresent() && electionElapsed < options.electionTicks();
    }

    /**
     * A lease read (thesis §6.4.1): if this node leads and a quorum acknowledged its heartbeats
     * recently enough that no other leader can exist yet, the commit index, which a query may use
     * once applied, without a heartbeat round. Empty otherwise (use {@link #readIndex}). Requires
     * {@link RaftOptions#leaseReads()}; rests on bounded clock drift (see there). Not during a
     * leadership transfer (the target may campaign inside the lease) or before the leader's first
     * commit in its term.
     */
    public java.util.OptionalLong leaseReadIndex() {
        if (!options.leaseReads() || role != Role.LEADER || transferTarget.isPresent()) return java.util.OptionalLong.empty();
        // A quiesced leader's ticks stopped, so the lease's age in ticks says nothing: fall back to
        // ReadIndex, whose round wakes the group (thesis §6.4.1 needs the time since the round).
        if (quiesced) return java.util.OptionalLong.empty();
        if (!committedInCurrentTerm()) return java.util.OptionalLong.empty();
        long age = replication.ticks() - replication.leaseStart();
        if (age >= options.electionTicks() - options.leaseMarginTicks()) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(log.committed());
    }

    private void handleVoteRequest(VoteRequest m) {
        // One vote per term (§5.2): we may vote again only for the same candidate. A pre-vote for a
        // future term binds nothing, so it only needs the log check.
        boolean canVote = votedFor.equals(Optional.of(m.from()))
                || (votedFor.isEmpty() && leader.isEmpty())
                || (m.preVote() && m.term() > term);
        if (canVote && !repair.active() && log.isUpToDate(m.lastLogIndex(), m.lastLogTerm())) {
            LOG.debug("{} [term {}] grants {} to {}", id, term, m.preVote() ? "pre-vote" : "vote", m.from());
            VoteResponse grant = new VoteResponse(id, m.from(), m.preVote() ? m.term() : term, m.preVote(), true);
            if (!m.preVote()) {
                electionElapsed = 0;
                votedFor = Optional.of(m.from());
            }
            send(grant);
        } else {
            send(new VoteResponse(id, m.from(), term, m.preVote(), false));
        }
    }

    private void stepLeader(Message m) {
        if (m instanceof AppendResponse ar) {
            replication.onAppendResponse(ar);
        } else if (m instanceof HeartbeatResponse hr) {
            replication.onHeartbeatResponse(hr);
        } else if (m instanceof ReadIndexRequest r) {
            leaderRead(r.requestId(), Optional.of(r.from()));
        } else if (m instanceof AppendRequest || m instanceof HeartbeatRequest) {
            // Election Safety makes this impossible; say so loudly rather than obey a second leader.
            LOG.error("{} [term {}] is leader but received {} for the same term", id, term, m);
        }
    }

    private void stepCandidate(Message m) {
        if (m instanceof AppendRequest || m instanceof HeartbeatRequest || m instanceof SnapshotRequest) {
            // A leader of our term exists (Raft paper §5.2): return to follower and obey it.
            becomeFollower(m.term(), Optional.of(m.from()));
            stepFollower(m);
        } else if (m instanceof VoteResponse vr) {
            boolean relevant = role == Role.PRE_CANDIDATE ? vr.preVote() : !vr.preVote();
            if (relevant) countVote(vr);
        }
    }

    private void stepFollower(Message m) {
        if (repair.learningTerm() && (m instanceof AppendRequest || m instanceof HeartbeatRequest || m instanceof SnapshotRequest)) {
            // Not before we know our term again: the sender may be a leader deposed in a term we forgot (see Repair).
            LOG.debug("{} [term {}] does not answer {} yet: it is still learning its term back", id, term, m);
            return;
        }
        if (m instanceof AppendRequest ar) {
            electionElapsed = 0;
            followLeader(ar.from());
            repair.heardLeaderCommit(ar.leaderCommit());
            handleAppend(ar);
            maybeFinishRepair();
        } else if (m instanceof HeartbeatRequest hb) {
            electionElapsed = 0;
            followLeader(hb.from());
            heardRound = Math.max(heardRound, hb.readContext());
            // The leader caps the commit index at the match it recorded for us, but that match is stale
            // if our durable log went backwards (restored from an old copy): the entries now at those
            // indexes may be older-term ones the leader's log replaced. So commit only what a consistency
            // check of this leader verified in this term (Figure 2, rule 5: min(leaderCommit, index of
            // last new entry)). etcd/raft's handleHeartbeat commits m.Commit as is and treats a log
            // shorter than that as fatal storage corruption; it assumes storage never goes back.
            log.commitTo(Math.min(hb.commit(), verifiedIndex));
            send(new HeartbeatResponse(id, hb.from(), term, hb.readContext()));
            maybeFinishRepair();
        } else if (m instanceof SnapshotRequest sr) {
            electionElapsed = 0;
            followLeader(sr.from());
            handleSnapshot(sr);
            maybeFinishRepair();
        } else if (m instanceof TimeoutNow) {
            if (isPromotable()) {
                LOG.info("{} [term {}] received TimeoutNow from {}: campaigning at once", id, term, m.from());
                campaign(Campaign.TRANSFER);
            }
        }
    }

    /** Asks every other voter for its current term, while repairing (see {@link Repair}). */
    private void probeTerms() {
        for (NodeId voter : config.allMembers()) {
            if (voter.equals(id) || !config.isVoter(voter) || !repair.awaits(voter)) continue;
            send(new TermProbe(id, voter, term, repair.probeId()));
        }
        if (repair.finishLearningTerm(id, config)) termLearned();
    }

    /**
     * Tells a repairing member our current term. The probe's own term binds nothing (it may be a
     * term the prober just read off its log), so it changes nothing here. A member that repairs
     * itself does not answer: its own term may be one it forgot.
     */
    private void answerTermProbe(TermProbe probe) {
        if (repair.active()) return;
        send(new TermProbeResponse(id, probe.from(), term, probe.probeId()));
    }

    private void onTermProbeResponse(TermProbeResponse answer) {
        if (!repair.learningTerm()) return;
        // Figure 2: a higher term makes us a follower of that term (leader unknown until one speaks).
        if (answer.term() > term) becomeFollower(answer.term(), Optional.empty());
        repair.heardTerm(answer.from(), answer.probeId());
        if (repair.finishLearningTerm(id, config)) termLearned();
    }

    private void termLearned() {
        LOG.info("{} [term {}] learned its term back from the other voters; it follows a leader of this term or later again",
                id, term);
    }

    /** A repairing follower that caught up with its leader votes again (see {@link Repair}). */
    private void maybeFinishRepair() {
        if (!repair.finishIfCaughtUp(log.committed(), log.term(log.committed()), term)) return;
        if (votedFor.isEmpty()) votedFor = leader;
        LOG.info("{} [term {}] finished repairing: caught up with leader {} to commit index {} (target {}); it votes again",
                id, term, leader.map(NodeId::value).orElse("unknown"), log.committed(), repair.target());
    }

    /**
     * InstallSnapshot (Raft paper §7, Figure 13). Only the last chunk reaches the core, after the
     * caller stored and verified the whole snapshot; earlier chunks are the caller's business.
     */
    private void handleSnapshot(SnapshotRequest m) {
        if (!m.done()) {
            LOG.debug("{} [term {}] ignores snapshot chunk at offset {}: chunks are assembled by the caller", id, term, m.offset());
            return;
        }
        SnapshotMeta meta = m.meta();
        if (meta.lastIndex() <= log.committed()) {
            // We already have everything it covers (a duplicate or an outdated transfer).
            send(AppendResponse.accepted(id, m.from(), term, log.committed()));
            return;
        }
        if (log.matchTerm(meta.lastIndex(), meta.lastTerm())) {
            // Rule 6: our log holds the snapshot's last entry, so it agrees up to there; keep what follows.
            verifiedIndex = Math.max(verifiedIndex, meta.lastIndex());
            log.commitTo(meta.lastIndex());
            send(AppendResponse.accepted(id, m.from(), term, meta.lastIndex()));
            return;
        }
        // Rule 7: discard the whole log and continue from the snapshot.
        LOG.info("{} [term {}] installs snapshot {} from {}", id, term, meta, m.from());
        log.restore(meta.lastIndex(), meta.lastTerm());
        verifiedIndex = meta.lastIndex();
        configs.resetTo(new ConfigEntry(meta.lastIndex(), meta.config(), Bytes.EMPTY));
        configurationChanged();
        installedSnapshot = Optional.of(meta);
        send(AppendResponse.accepted(id, m.from(), term, meta.lastIndex()));
    }

    /**
     * The caller's report on a snapshot transfer it ran for {@code peer} (see {@link Ready#snapshotTransfers()}).
     * Either way the leader goes back to probing the peer: after a success, right after the snapshot.
     */
    public void reportSnapshot(NodeId peer, boolean success) {
        if (role != Role.LEADER) return;
        replication.snapshotDone(peer, success);
    }

    private void followLeader(NodeId newLeader) {
        if (!leader.equals(Optional.of(newLeader))) {
            rejectForwardedReads();
            leader = Optional.of(newLeader);
            heardRound = 0;
        }
    }

    /** The receiver's side of AppendEntries (Raft paper Figure 2). */
    private void handleAppend(AppendRequest m) {
        if (m.prevLogIndex() < log.committed()) {
            // Everything up to our commit index matches the leader (Leader Completeness).
            send(AppendResponse.accepted(id, m.from(), term, log.committed()));
            return;
        }
        long lastNew = log.maybeAppend(m.prevLogIndex(), m.prevLogTerm(), m.entries());
        if (lastNew >= 0) {
            // Our log now matches the leader's up to lastNew (Log Matching, §5.3). A later request
            // may verify less (reordered); what was verified stays verified within this term.
            verifiedIndex = Math.max(verifiedIndex, lastNew);
            // Rule 5: commitIndex = min(leaderCommit, index of last new entry) — never beyond what
            // this very check verified (etcd/raft's maybeAppend commits min(committed, lastnewi) too).
            log.commitTo(Math.min(m.leaderCommit(), lastNew));
            send(AppendResponse.accepted(id, m.from(), term, lastNew));
            return;
        }
        // Consistency check failed: hint where our log diverges, one step per term (§5.3).
        long hintIndex;
        long hintTerm;
        if (m.prevLogIndex() > log.lastIndex()) {
            hintIndex = log.lastIndex() + 1;
            hintTerm = 0;
        } else {
            hintTerm = log.term(m.prevLogIndex());
            hintIndex = log.firstIndexOfTerm(m.prevLogIndex());
        }
        LOG.debug("{} [term {}] rejects append at {}@{} (hint {}@{})", id, term, m.prevLogIndex(), m.prevLogTerm(), hintIndex, hintTerm);
        messages.add(AppendResponse.rejected(id, m.from(), term, m.prevLogIndex(), hintIndex, hintTerm, heardRound));
    }

    // ------------------------------------------------------------------ elections

    private enum Campaign { PRE_VOTE, ELECTION, TRANSFER }

    private void campaign(Campaign kind) {
        long voteTerm;
        if (kind == Campaign.PRE_VOTE) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        votesGranted.add(id);
        if (tally() == Quorum.VoteResult.WON) {
            // A single-voter group wins at once.
            if (kind == Campaign.PRE_VOTE) campaign(Campaign.ELECTION);
            else becomeLeader();
            return;
        }
        for (NodeId voter : voters()) {
            if (voter.equals(id)) continue;
            send(new VoteRequest(id, voter, voteTerm, log.lastIndex(), log.lastTerm(),
                    kind == Campaign.PRE_VOTE, kind == Campaign.TRANSFER));
        }
    }

    private void countVote(VoteResponse vr) {
        if (vr.granted()) votesGranted.add(vr.from());
        else votesRejected.add(vr.from());
        switch (tally()) {
            case WON -> {
                if (role == Role.PRE_CANDIDATE) campaign(Campaign.ELECTION);
                else becomeLeader();
            }
            case LOST -> becomeFollower(term, Optional.empty());
            case PENDING -> {
            }
        }
    }

    private Quorum.VoteResult tally() {
        return Quorum.jointVoteResult(config.voters(), config.votersOutgoing(), votesGranted, votesRejected);
    }

    private Set<NodeId> voters() {
        Set<NodeId> all = new TreeSet<>(config.voters());
        all.addAll(config.votersOutgoing());
        return all;
    }

    /**
     * Whether this node may campaign: it votes in its latest configuration, or in the latest one it
     * knows to be committed. The second case matters when an uncommitted configuration removing this
     * node is in its log but not yet in force elsewhere (the others still need its vote in the old or
     * joint configuration, and its log may be the most up to date): it must stay able to lead, so
     * that the change can commit (thesis §4.2.2, a leader may manage a configuration without itself).
     */
    private boolean isPromotable() {
        if (repair.active()) return false; // a repairing member never campaigns (see Repair)
        return config.isVoter(id) || configs.atOrBefore(log.committed()).config().isVoter(id);
    }

    // ------------------------------------------------------------------ role changes

    private void becomeFollower(long newTerm, Optional<NodeId> newLeader) {
        Role before = role;
        if (newTerm != term || !newLeader.equals(leader)) {
            rejectForwardedReads();
            // Rounds are numbered by each leader: one heard from another (say, before we campaigned
            // in this term and lost) would make a late rejection look fresh to this one.
            heardRound = 0;
        }
        if (newTerm != term) {
            term = newTerm;
            votedFor = Optional.empty();
            verifiedIndex = 0; // verified against the old term's leader only
        }
        if (replication != null) {
            // Reads waiting on our leadership can no longer be confirmed.
            leader = newLeader;
            for (ReadIndexQueue.PendingRead r : replication.reads().drainAll()) rejectRead(r.requestId(), r.origin());
        }
        if (transferTarget.isPresent()) {
            transferResult = Optional.of(new TransferResult(transferTarget.get(), true));
            transferTarget = Optional.empty();
        }
        role = Role.FOLLOWER;
        leader = newLeader;
        replication = null;
        heartbeatElapsed = 0;
        quiesced = false; // a new term or leader: whatever made us quiet no longer holds
        // The election timer is deliberately not reset here: only a current leader or a granted vote
        // resets it (Figure 2), so a stream of hopeless candidacies cannot hold off our own election.
        if (before != Role.FOLLOWER || LOG.isDebugEnabled()) {
            LOG.info("{} [term {}] became follower of {} (was {})", id, term, newLeader.map(NodeId::value).orElse("nobody"), before);
        }
    }

    private void becomePreCandidate() {
        rejectForwardedReads();
        quiesced = false;
        role = Role.PRE_CANDIDATE;
        leader = Optional.empty();
        replication = null;
        votesGranted.clear();
        votesRejected.clear();
        resetElectionTimer();
        LOG.info("{} [term {}] starts a pre-vote for term {}", id, term, term + 1);
    }

    private void becomeCandidate() {
        rejectForwardedReads();
        quiesced = false;
        term++;
        verifiedIndex = 0;
        votedFor = Optional.of(id);
        role = Role.CANDIDATE;
        leader = Optional.empty();
        replication = null;
        // Votes are for one term only (§5.2): a new campaign starts from an empty tally.
        votesGranted.clear();
        votesRejected.clear();
        resetElectionTimer();
        LOG.info("{} [term {}] starts an election", id, term);
    }

    private void becomeLeader() {
        quiesced = false;
        role = Role.LEADER;
        leader = Optional.of(id);
        heartbeatElapsed = 0;
        electionElapsed = 0;
        replication = new Replication(this, log, options);
        // Any configuration entry already in the log may be uncommitted: no new change until it commits.
        pendingConfigIndex = log.lastIndex();
        LOG.info("{} [term {}] became leader with log {}", id, term, log);
        // A new leader appends an empty entry of its term (Raft paper §8): earlier entries can commit
        // only together with an entry of the current term (§5.4.2).
        replication.appendNew(new Entry(term, log.lastIndex() + 1, EntryType.NO_OP, Bytes.EMPTY));
    }

    private void resetElectionTimer() {
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = options.electionTicks() + random.nextInt(options.electionTicks());
    }

    // ------------------------------------------------------------------ outputs

    /** Whether {@link #ready()} has anything to hand out. */
    public boolean hasReady() {
        return hardStateChanged()
                || log.hasEntriesToPersist()
                || !messages.isEmpty()
                || !messagesAfterPersist.isEmpty()
                || log.hasEntriesToApply()
                || !readStates.isEmpty()
                || installedSnapshot.isPresent()
                || configChanged.isPresent()
                || transferResult.isPresent()
                || !snapshotTransfers.isEmpty()
                || log.hasReadsToIssue()
                || (replication != null && replication.hasPendingBroadcast());
    }

    /**
     * Flow control for applying: committed entries are handed out in {@link Ready#committedEntries()}
     * only up to {@code maxIndex} (for example the state machine's applied index plus a backlog
     * bound), so a slow state machine cannot make the caller queue an unbounded number of entries.
     * Unlimited by default. Commitment and replication are not affected.
     */
    public void limitApply(long maxIndex) {
        log.limitApply(maxIndex);
    }

    /** Hands out the next batch of work; see {@link Ready} for what the caller must do, in which order. */
    public Ready ready() {
        if (replication != null) replication.flush();
        Optional<HardState> changed = Optional.empty();
        if (hardStateChanged()) {
            lastReadyHardState = currentHardState();
            changed = Optional.of(lastReadyHardState);
        }
        if (changed.isPresent() && !messages.isEmpty()) {
            // No message may carry a term (or follow a vote) that is not durable yet (Figure 2:
            // persist before responding; etcd/raft README: "no messages be sent until the latest
            // HardState has been persisted"). Otherwise a single voter that wins at once sends
            // appends of a term it may forget in a crash, and leads that term again with other
            // entries at the same index and term. The leader's parallel write (thesis §10.2.1)
            // stays for every Ready whose hard state is unchanged.
            messages.addAll(messagesAfterPersist);
            messagesAfterPersist.clear();
            messagesAfterPersist.addAll(messages);
            messages.clear();
        }
        List<Entry> toApply = log.takeEntriesToApply(options.maxApplyBytes()); // may queue a read: before takeReadsToIssue
        Ready rd = new Ready(changed, log.takeEntriesToPersist(), messages, messagesAfterPersist,
                toApply, readStates, installedSnapshot, snapshotTransfers,
                configChanged, transferResult, log.takeReadsToIssue());
        configChanged = Optional.empty();
        transferResult = Optional.empty();
        messages.clear();
        messagesAfterPersist.clear();
        readStates.clear();
        installedSnapshot = Optional.empty();
        snapshotTransfers.clear();
        return rd;
    }

    /**
     * Queues {@code m}. Messages that promise something about our disk (votes, acknowledgements)
     * wait for the current writes; the leader's own traffic does not (thesis §10.2.1).
     */
    void send(Message m) {
        boolean independentOfDisk = m instanceof AppendRequest || m instanceof HeartbeatRequest
                || m instanceof SnapshotRequest || m instanceof TimeoutNow || m instanceof HeartbeatResponse
                || m instanceof ReadIndexRequest || m instanceof ReadIndexResponse || m instanceof TermProbe;
        (independentOfDisk ? messages : messagesAfterPersist).add(m);
    }

    /**
     * The caller read {@code entries} for {@code read} (one of {@link Ready#logReads()}), or none when
     * they were compacted meanwhile: followers waiting for them get them, applying resumes. A result
     * that the log has moved past (see {@link LogRead#epoch}) is ignored.
     */
    public void entriesRead(LogRead read, List<Entry> entries) {
        if (log.entriesRead(read, entries) && replication != null) replication.entriesArrived();
    }

    /**
     * The caller is about to compact the durable log up to {@code index}, covered by a snapshot it
     * took at an applied index (paper §7). From now on the core treats those entries as gone (a
     * follower that needs them gets the snapshot), so the caller may delete them off the consensus
     * thread, at its own pace. Returns false, and nothing changes, when there is nothing to compact
     * (already compacted, beyond what was applied, or overtaken by an installed snapshot).
     */
    public boolean compactTo(long index) {
        return log.compactTo(index);
    }

    /** The leader found that {@code peer} needs entries it compacted away: only a snapshot can help (§7). */
    void needSnapshot(NodeId peer) {
        LOG.info("{} [term {}] sends a snapshot to {}: it needs entries before {} that were compacted", id, term, peer, log.firstIndex());
        snapshotTransfers.add(peer);
    }

    /** A follower's log now matches ours to the end: if it is the transfer target, tell it to campaign. */
    void onFollowerCaughtUp(NodeId peer) {
        if (transferTarget.equals(Optional.of(peer))) replication.sendTimeoutNowIfCaughtUp(peer);
    }

    // ------------------------------------------------------------------ accessors

    public NodeId id() {
        return id;
    }

    public long term() {
        return term;
    }

    public Role role() {
        return role;
    }

    public Optional<NodeId> leader() {
        return leader;
    }

    public ClusterConfig config() {
        return config;
    }

    /** The target of the leadership transfer in progress, if any. */
    public Optional<NodeId> transferTarget() {
        return transferTarget;
    }

    /** The highest index known committed. */
    public long commitIndex() {
        return log.committed();
    }

    /** The index of the last entry in this node's log (durable or not). */
    public long lastIndex() {
        return log.lastIndex();
    }

    /**
     * Whether a report that more of the log is durable ({@link #persisted}) could change what this
     * node does now, so that a runtime may leave such a report queued until its next pass otherwise.
     * Committed entries waiting to become durable here are applied only once they are (every role);
     * a leader's own durable write may complete a majority (thesis §10.2.1) once another voter
     * holds entries beyond the commit index, or at once when it is the only voter or the
     * configuration is joint (checked conservatively); candidates are always told at once.
     */
    public boolean awaitsDurability() {
        long committed = log.committed();
        if (committed > log.durableIndex()) return true;
        if (role == Role.FOLLOWER) return false;
        if (role != Role.LEADER || replication == null) return true;
        if (config.isJoint() || config.voters().size() == 1) return true;
        for (Map.Entry<NodeId, Progress> e : replication.progress().entrySet()) {
            if (e.getValue().match > committed && !e.getKey().equals(id) && config.isVoter(e.getKey())) return true;
        }
        return false;
    }

    /** Whether {@code r} is still this node's current leadership (it may have stepped down meanwhile). */
    boolean isLeading(Replication r) {
        return role == Role.LEADER && replication == r;
    }

    /**
     * Whether the term, vote or repair mark differ from the last Ready's hard state; asked on every
     * pass of the runtime, so it compares fields instead of building a {@link HardState}. The vote
     * is the same {@code Optional} instance until it changes, hence the identity check first.
     */
    private boolean hardStateChanged() {
        HardState last = lastReadyHardState;
        return term != last.term() || repair.active() != last.repairing()
                || (votedFor != last.votedFor() && !votedFor.equals(last.votedFor()));
    }

    private HardState currentHardState() {
        return new HardState(term, votedFor, repair.active());
    }

    /** A snapshot of this node's state, for monitoring and tests. */
    public Status status() {
        // Built after every pass of the runtime: a member that does not lead allocates no map.
        Map<NodeId, Status.FollowerStatus> followers = Map.of();
        if (replication != null) {
            Map<NodeId, Status.FollowerStatus> all = new LinkedHashMap<>();
            for (Map.Entry<NodeId, Progress> e : replication.progress().entrySet()) {
                Progress pr = e.getValue();
                all.put(e.getKey(), new Status.FollowerStatus(pr.match, pr.next, pr.state.name(), pr.learner));
            }
            followers = Collections.unmodifiableMap(all);
        }
        return new Status(id, role, term, leader, log.committed(), log.applying(), log.lastIndex(), log.durableIndex(),
                log.snapshotIndex(), followers, repair.active());
    }

    @Override
    public String toString() {
        return id + "[" + role + " t" + term + " " + log + " " + config + "]";
    }
}
