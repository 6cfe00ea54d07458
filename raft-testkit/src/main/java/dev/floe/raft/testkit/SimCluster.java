package dev.floe.raft.testkit;

import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.ServerStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One simulated run of a whole cluster of real {@link RaftServer}s: each member's process runs its
 * server on a {@link SimProcess} (scheduler and clock), its {@link SimDisk} and the
 * {@link SimNetwork}; clients submit the user's commands (with sessions, retrying after every
 * failure) and queries; faults crash, pause, partition and reconfigure members during the fault
 * phase; then everything heals and every operation must complete. {@link RaftInvariants} are
 * checked after every event, linearizability and exactly-once at the end.
 */
final class SimCluster implements SimClient.Service {
    private static final int TRACE = 80;

    final SimShape shape;
    final SimWorld world;
    final NodeId[] ids;
    private final Map<NodeId, Integer> indexOf = new HashMap<>();
    final SimDisk[] disks;
    final SimProcess[] processes;
    final RaftServer[] servers;
    final SimNetwork network;
    final ApplyLog applyLog = new ApplyLog();
    final History history = new History();
    private final Supplier<StateMachine> factory;
    private final OperationGenerator commands;
    private final OperationGenerator queries;
    private final List<Member> initialMembers = new ArrayList<>();
    private final RaftInvariants invariants;
    private final SimClient[] clients;
    /** One-read clients aimed at a paused leader; they must finish like the others. */
    private final List<SimClient> probes = new ArrayList<>();
    private int probeIds;
    private final long faultEnd;
    private final long end;
    private boolean healed;
    private boolean isolateNextLeader;
    /** New leaders still to fail (crash or be cut off) a moment after their election: an election churn. */
    private int churnLeft;
    /** The Figure 8 play of the {@link SimShape#FIGURE_8} mix. */
    private final SimFigure8Play figure8 = new SimFigure8Play(this);
    /** The play of the {@link SimShape#SPLIT_VOTE} mix. */
    private final SimSplitVotePlay splitVote = new SimSplitVotePlay(this);
    /** The play of the {@link SimShape#FORGOTTEN_TERM} mix. */
    private final SimForgottenTermPlay forgottenTerm = new SimForgottenTermPlay(this);
    /** A leader cut off while lease reads are on: the next other member to lead takes a write, then it gets lease reads; -1 when none. */
    private int deposedLeader = -1;
    /** A member lost its hard state in this run: no membership change from then on. */
    private boolean hardStateLost;
    /** With quiescence: clients start no new operation before this time (an idle period of the workload). */
    private long idleUntil;
    /** With quiescence: since when member i's host has found member j silent; -1 while j is heard. */
    private final long[][] silentSince;
    private long nextOperation = 1;
    private final String[] trace = new String[TRACE];
    private long traced;
    private Consumer<String> traceSink;
    private boolean traceOperations;
    private Consumer<SimSummary> summarySink;
    final SimStats stats = new SimStats();

    SimCluster(SimShape shape, Supplier<StateMachine> factory, OperationGenerator commands, OperationGenerator queries) {
        this.shape = shape;
        this.factory = factory;
        this.commands = commands;
        this.queries = queries;
        this.world = new SimWorld(shape.seed());
        int n = shape.processes();
        this.ids = new NodeId[n];
        for (int i = 0; i < n; i++) {
            ids[i] = NodeId.of("n" + (i + 1));
            indexOf.put(ids[i], i);
            if (i < shape.voters()) initialMembers.add(Member.voter(ids[i], raftAddress(i), clientAddress(i)));
            else if (i < shape.voters() + shape.learners()) initialMembers.add(Member.learner(ids[i], raftAddress(i), clientAddress(i)));
        }
        this.disks = new SimDisk[n];
        for (int i = 0; i < n; i++) {
            // How many of the newest entries each member's page cache holds (reads beyond go through
            // the runtime's log-reader activity): none, a few, some, all; varies with seed and member.
            int cache = new int[] {0, 8, 64, Integer.MAX_VALUE}[(int) Math.floorMod(shape.seed() + i, 4L)];
            disks[i] = new SimDisk(world, shape.maxDiskNanos(), cache);
        }
        this.processes = new SimProcess[n];
        this.servers = new RaftServer[n];
        this.network = new SimNetwork(world, indexOf, shape.maxDelayNanos(), shape.dropRate(), shape.duplicateRate(),
                shape.longDelayRate(), 400 * SimShape.MS);
        this.invariants = new RaftInvariants(this);
        this.clients = new SimClient[shape.clients()];
        this.faultEnd = shape.faultNanos();
        this.end = faultEnd + shape.healNanos();
        this.silentSince = new long[n][n];
        for (long[] row : silentSince) java.util.Arrays.fill(row, -1);
    }

    /** Every fault and leader change to {@code sink}; with {@code operations}, every answer to a client too. */
    SimCluster traceTo(Consumer<String> sink, boolean operations) {
        traceSink = sink;
        traceOperations = operations;
        return this;
    }

    SimCluster summariesTo(Consumer<SimSummary> sink) {
        summarySink = sink;
        return this;
    }

    private void summarize() {
        long term = 0;
        java.util.Optional<NodeId> leader = java.util.Optional.empty();
        long commit = 0;
        int up = 0;
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] == null) continue;
            up++;
            ServerStatus s = servers[i].status();
            commit = Math.max(commit, s.commitIndex());
            if (s.isLeader() && s.term() >= term) leader = java.util.Optional.of(s.id());
            term = Math.max(term, s.term());
        }
        summarySink.accept(new SimSummary(world.now() / SimShape.MS, term, leader, commit, up, servers.length,
                stats.writes, stats.reads, stats.crashes, stats.pauses, stats.partitions));
        if (world.now() + 1_000 * SimShape.MS <= end) world.at(world.now() + 1_000 * SimShape.MS, null, this::summarize);
    }

    /** Runs the whole scenario; throws {@link SimulationViolation} when a property breaks. */
    void run() {
        for (int i = 0; i < processes.length; i++) spawn(i);
        for (int c = 0; c < clients.length; c++) {
            clients[c] = new SimClient(this, c);
            SimClient client = clients[c];
            world.at(world.random.nextInt(50) * SimShape.MS, null, client::next);
        }
        scheduleFault();
        world.at(faultEnd, null, this::healEverything);
        if (shape.options().quiesce()) {
            world.at(world.now() + 200 * SimShape.MS, null, this::idlePeriod);
            world.at(world.now() + livenessPeriod(), null, this::checkLiveness);
        }
        // Summaries are events of nobody: they take no randomness, so the run is the same without them.
        if (summarySink != null) world.at(1_000 * SimShape.MS, null, this::summarize);
        while (world.step(end)) invariants.afterEvent();
        world.advanceTo(end);
        invariants.atEnd();
        List<SimClient> all = new ArrayList<>(List.of(clients));
        all.addAll(probes);
        for (SimClient c : all) {
            if (c.op != null) throw new SimulationViolation("Liveness", "client " + c.id + " still waits for " + c.op
                    + " " + shape.healNanos() / SimShape.MS + " ms after every fault healed");
        }
    }

    // ------------------------------------------------------------------ processes

    private void spawn(int i) {
        // The extremes of the drift allowed, slow or fast, which is where leases are tested hardest.
        double clockRate = shape.onlyFault() == SimShape.DRIFTING_LEASES
                ? 1 + (world.random.nextBoolean() ? SimShape.CLOCK_DRIFT : -SimShape.CLOCK_DRIFT) : 1.0;
        SimProcess p = new SimProcess(world, i, stats, shape.maxDiskNanos(), clockRate);
        processes[i] = p;
        applyLog.restarted(i);
        RaftServer.Builder b = RaftServer.builder()
                .id(ids[i])
                .members(initialMembers)
                .stateMachine(new CheckedStateMachine(i, factory.get(), applyLog))
                .storage(disks[i].logFor(p), disks[i].hardStateStoreFor(p))
                .snapshotStore(disks[i].snapshotStoreFor(p))
                .snapshotOptions(shape.snapshots())
                .transport(network.transportFor(p))
                .options(shape.options())
                .runtime(p, p);
        if (i >= shape.voters() + shape.learners()) b.joining();
        RaftServer server = b.build();
        servers[i] = server;
        invariants.started(i);
        try {
            server.start();
        } catch (java.io.IOException e) {
            throw new SimulationViolation("Restart", ids[i] + " could not start: " + e);
        }
    }

    private void crash(int i) {
        crash(i, false);
    }

    /** Crashes member {@code i}; with {@code loseHardState}, its hard state is gone when it restarts. */
    private void crash(int i, boolean loseHardState) {
        if (servers[i] == null) return;
        note("crash " + ids[i] + (disks[i].hasInFlight() ? " with writes in flight" : ""));
        processes[i].crash();
        servers[i] = null;
        disks[i].crash(world.random);
        stats.crashes++;
        if (loseHardState && shape.onlyFault() == SimShape.DAMAGED_DISK) {
            boolean forgetTerm = world.random.nextBoolean();
            if (disks[i].loseSyncedTail(world.random, forgetTerm)) {
                note(ids[i] + " lost the tail of its synced log" + (forgetTerm ? " and its term (an old copy)" : "")
                        + ": it restarts repairing");
                hardStateLost = true;
                stats.syncedTailsLost++;
            }
        } else if (loseHardState && disks[i].loseHardState()) {
            note(ids[i] + " lost its hard state: it restarts repairing");
            hardStateLost = true;
            stats.hardStatesLost++;
        }
        long down = world.random.nextBoolean() ? 1 + world.random.nextInt(30) : 50 + world.random.nextInt(600);
        world.at(world.now() + down * SimShape.MS, null, () -> {
            if (servers[i] == null) {
                note("restart " + ids[i]);
                spawn(i);
            }
        });
    }

    private void pause(int i, long nanos) {
        if (servers[i] == null || processes[i].paused()) return;
        SimProcess p = processes[i];
        note("pause " + ids[i] + (servers[i].status().isLeader() ? " (leader)" : "") + " for " + nanos / SimShape.MS + " ms");
        p.pause();
        stats.pauses++;
        world.at(world.now() + nanos, null, () -> {
            if (p.paused()) {
                note("resume " + ids[i]);
                p.resume();
            }
        });
    }

    @Override
    public SimWorld world() {
        return world;
    }

    @Override
    public SimShape shape() {
        return shape;
    }

    @Override
    public History history() {
        return history;
    }

    @Override
    public ApplyLog applyLog() {
        return applyLog;
    }

    @Override
    public SimStats stats() {
        return stats;
    }

    @Override
    public OperationGenerator commands() {
        return commands;
    }

    @Override
    public OperationGenerator queries() {
        return queries;
    }

    @Override
    public SimProcess process(int i) {
        return processes[i];
    }

    @Override
    public long faultEnd() {
        return faultEnd;
    }

    @Override
    public long idleUntil() {
        return idleUntil;
    }

    @Override
    public long newOperation() {
        return nextOperation++;
    }

    @Override
    public boolean traceOperations() {
        return traceOperations;
    }

    @Override
    public void probing(SimClient probe) {
        probes.add(probe);
    }

    @Override
    public int size() {
        return servers.length;
    }

    @Override
    public RaftServer server(int i) {
        return servers[i];
    }

    @Override
    public SimDisk disk(int i) {
        return disks[i];
    }

    @Override
    public NodeId id(int i) {
        return ids[i];
    }

    @Override
    public long healMillis() {
        return shape.healNanos() / SimShape.MS;
    }

    @Override
    public void leaderElected(int i, long term) {
        stats.elections++;
        note(ids[i] + " leads term " + term);
        newLeader(i);
    }

    @Override
    public int leader() {
        int best = -1;
        long term = -1;
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] == null || processes[i].paused()) continue;
            ServerStatus s = servers[i].status();
            if (s.isLeader() && s.term() > term) {
                term = s.term();
                best = i;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ quiescence

    /**
     * The workload goes idle for 200-600 ms (clients finish what is outstanding and start nothing
     * new), long enough for the group to quiesce; the next idle period starts 0.3-1.3 s after it.
     */
    private void idlePeriod() {
        if (world.now() >= faultEnd) return;
        idleUntil = world.now() + (200 + world.random.nextInt(400)) * SimShape.MS;
        note("clients idle until " + idleUntil / SimShape.MS + " ms");
        world.at(idleUntil + (300 + world.random.nextInt(1_000)) * SimShape.MS, null, this::idlePeriod);
    }

    private long livenessPeriod() {
        return shape.electionNanos() / 2;
    }

    /**
     * The hosts' liveness checks (the multi-group host's, modelled): every half election timeout each
     * running member's host looks at every other member; one that has been crashed, paused or cut off
     * from it for an election timeout is reported with {@link RaftServer#peerSuspected}, every check
     * until it is heard again. A quiesced group notices a dead leader only this way.
     */
    private void checkLiveness() {
        long electionNanos = 2 * livenessPeriod();
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] == null || processes[i].paused()) continue;
            for (int j = 0; j < servers.length; j++) {
                if (j == i) continue;
                boolean silent = servers[j] == null || processes[j].paused() || network.blocked(j, i);
                if (!silent) {
                    silentSince[i][j] = -1;
                } else if (silentSince[i][j] < 0) {
                    silentSince[i][j] = world.now();
                } else if (world.now() - silentSince[i][j] >= electionNanos) {
                    servers[i].peerSuspected(ids[j]);
                    stats.suspicions++;
                }
            }
        }
        world.at(world.now() + livenessPeriod(), null, this::checkLiveness);
    }

    // ------------------------------------------------------------------ faults

    private void scheduleFault() {
        long gap = 1 + (long) (world.random.nextDouble() * 2 * shape.meanFaultGapNanos());
        if (world.now() + gap < faultEnd) world.at(world.now() + gap, null, this::injectFault);
    }

    private void injectFault() {
        scheduleFault();
        if (healed) return;
        int n = servers.length;
        long electionNanos = shape.electionNanos();
        // With lease reads, one more kind: a leader deposed by a partition, asked for lease reads after a newer write.
        int kind = world.random.nextInt(shape.options().leaseReads() ? 12 : 11);
        if (kind == 11) kind = SimShape.DEPOSED_LEADER;
        if (shape.onlyFault() == SimShape.LOST_HARD_STATE || shape.onlyFault() == SimShape.DAMAGED_DISK) {
            kind = new int[] {0, 1, 4, 10, 12, 12, 13, 13}[world.random.nextInt(8)];
        } else if (shape.onlyFault() == SimShape.FIGURE_8 || shape.onlyFault() == SimShape.SPLIT_VOTE
                || shape.onlyFault() == SimShape.FORGOTTEN_TERM) {
            kind = shape.onlyFault();
        } else if (shape.onlyFault() == SimShape.DRIFTING_LEASES) {
            kind = SimShape.DEPOSED_LEADER;
        } else if (shape.onlyFault() != SimShape.ALL_FAULTS) {
            kind = shape.onlyFault();
        }
        switch (kind) {
            case 10 -> {
                if (world.random.nextBoolean()) {
                    isolateNextLeader = true;
                    note("arm isolation of the next new leader");
                } else {
                    churnLeft = 2 + world.random.nextInt(2);
                    note("arm an election churn: the next " + churnLeft + " new leaders fail a moment after their election");
                }
            }
            case 0 -> {
                int victim = world.random.nextInt(n);
                if (world.random.nextBoolean()) {
                    boolean always = shape.onlyFault() == SimShape.LOST_HARD_STATE || shape.onlyFault() == SimShape.DAMAGED_DISK;
                    crash(victim, hardStateLossAllowed() && (always || world.random.nextInt(3) == 0));
                } else if (servers[victim] != null) {
                    boolean hardState = world.random.nextBoolean();
                    note("arm crash of " + ids[victim] + " at its next " + (hardState ? "term or vote save" : "write"));
                    disks[victim].crashAtNextWrite(() -> {
                        crash(victim);
                        if (hardState) cutOffCandidatesSoon(victim);
                    }, hardState);
                }
            }
            case 1 -> {
                int mask = 1 + world.random.nextInt((1 << n) - 2);
                for (int a = 0; a < n; a++) {
                    for (int b = 0; b < n; b++) if (((mask >> a) & 1) != ((mask >> b) & 1)) network.block(a, b);
                }
                stats.partitions++;
                note("partition " + describe(mask));
                healPartitionsLater();
                // A leader on the minority side may still believe it leads: ask it for a read later.
                int l = leader();
                if (l >= 0 && 2 * Integer.bitCount(((mask >> l) & 1) == 1 ? mask : ~mask & ((1 << n) - 1)) <= n) {
                    probeLater(l, (long) (world.random.nextDouble() * 2 * electionNanos));
                }
            }
            case 2 -> {
                int a = world.random.nextInt(n);
                int b = world.random.nextInt(n);
                if (a == b) return;
                network.block(a, b);
                stats.partitions++;
                note("cut " + ids[a] + " -> " + ids[b]);
                healPartitionsLater();
            }
            case 3 -> {
                network.faults(0.3, shape.duplicateRate(), shape.longDelayRate());
                note("loss burst");
                world.at(world.now() + (50 + world.random.nextInt(300)) * SimShape.MS, null,
                        () -> { if (!healed) network.faults(shape.dropRate(), shape.duplicateRate(), shape.longDelayRate()); });
            }
            case 4, 5 -> {
                // A process pause (SIGSTOP, GC, frozen VM) of up to several election timeouts; the
                // leader half the time, since a paused leader is what leases must survive.
                int victim = world.random.nextBoolean() && leader() >= 0 ? leader() : world.random.nextInt(n);
                pause(victim, 1 + (long) (world.random.nextDouble() * 5 * electionNanos));
            }
            case SimShape.FROZEN_LEADER -> pauseCutOffLeader(electionNanos);
            case 12 -> {
                // Two members that cannot hear each other while a third hears both: two leaders of
                // different terms can both reach it.
                int a = world.random.nextInt(n);
                int b = (a + 1 + world.random.nextInt(n - 1)) % n;
                network.block(a, b);
                network.block(b, a);
                stats.partitions++;
                note("cut " + ids[a] + " <-> " + ids[b]);
                healPartitionsLater();
            }
            case 13 -> {
                // A member forgets a vote it just gave: it crashes a moment after saving it and
                // restarts without its hard state.
                int victim = world.random.nextInt(n);
                if (servers[victim] == null || !hardStateLossAllowed()) return;
                note("arm crash of " + ids[victim] + " shortly after its next vote, losing its hard state");
                disks[victim].afterNextVote(() -> world.at(world.now() + (1 + world.random.nextInt(20)) * SimShape.MS, null,
                        () -> { if (hardStateLossAllowed()) crash(victim, true); }));
            }
            case SimShape.CUT_OFF_LEADER -> cutOffLeader(electionNanos);
            case SimShape.FIGURE_8 -> figure8.start(electionNanos);
            case SimShape.SPLIT_VOTE -> splitVote.start(electionNanos);
            case SimShape.FORGOTTEN_TERM -> forgottenTerm.start(electionNanos);
            case SimShape.DEPOSED_LEADER -> cutOffLeaderThenWriteElsewhere(electionNanos);
            case 6 -> reconfigure();
            case 7 -> transferLeadership();
            default -> {
                int i = world.random.nextInt(n);
                if (servers[i] != null) {
                    note("snapshot now on " + ids[i]);
                    ignore(servers[i].snapshotNow());
                }
            }
        }
    }

    /**
     * A member just crashed while saving a new term or vote (the save is lost): whoever campaigns
     * now, and may have counted that vote, is cut off from its peers within a few message delays. The
     * others, the crashed member among them once restarted without the vote, elect a leader of their
     * own, in the same term if their terms allow: only a vote made durable before it was sent keeps
     * the term to one leader (Raft paper Figure 2, §5.2).
     */
    private void cutOffCandidatesSoon(int crashed) {
        for (int j = 0; j < servers.length; j++) {
            if (j == crashed || servers[j] == null || processes[j].paused()) continue;
            if (servers[j].status().role() != ServerStatus.Role.CANDIDATE) continue;
            int candidate = j;
            world.at(world.now() + 1 + (long) (world.random.nextDouble() * 2 * shape.maxDelayNanos()), null, () -> {
                if (healed || servers[candidate] == null) return;
                cutOff(candidate);
                healPartitionsLater();
            });
        }
    }

    /** Splits the members in two: those whose bit is set in {@code side} and the others. */
    void partition(int side) {
        int n = servers.length;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) if (((side >> a) & 1) != ((side >> b) & 1)) network.block(a, b);
        }
        stats.partitions++;
    }

    /** Cuts member {@code i} off from every other member, both ways; what it has on the wire is lost too. */
    void cutOffWithInFlight(int i) {
        cutOff(i);
        network.dropInFlight(i);
    }

    /** Heals every partition and cut link. */
    void healPartitions() {
        network.healPartitions();
    }

    /** {@return whether the faults are over (the run heals and checks liveness)} */
    boolean healed() {
        return healed;
    }

    /** A one-write client writes through member {@code i} now. */
    void writeThrough(int i) {
        SimClient writer = new SimClient(this, clients.length + 1000 + probeIds++, i, true, null);
        world.at(world.now(), null, writer::next);
    }

    /** Crashes member {@code i} (its hard state kept). */
    void crashMember(int i) {
        crash(i);
    }

    /** Member {@code i} crashes at its next term or vote save, which is lost; then {@code after} runs. */
    void crashAtNextHardStateSave(int i, Runnable after) {
        if (servers[i] == null) return;
        disks[i].crashAtNextWrite(() -> {
            crash(i);
            after.run();
        }, true);
    }

    /** Crashes member {@code i}, which loses its hard state (restarting repairing), when the run allows it. */
    void crashLosingHardState(int i) {
        if (hardStateLossAllowed()) crash(i, true);
    }

    /** Loses, on arrival, every message member {@code i} has in flight now. */
    void dropInFlight(int i) {
        network.dropInFlight(i);
    }

    /** Cuts the link between members {@code a} and {@code b}, both ways. */
    void cut(int a, int b) {
        network.block(a, b);
        network.block(b, a);
    }

    /** Cuts member {@code i} off from every other member, both ways. */
    private void cutOff(int i) {
        for (int j = 0; j < servers.length; j++) {
            if (j == i) continue;
            network.block(i, j);
            network.block(j, i);
        }
        stats.partitions++;
        note("cut off " + ids[i] + " from its peers");
    }

    /**
     * A frozen leader whose network froze too (a VM stall): cut off from its peers and paused for
     * several election timeouts, while the others elect a new leader and commit. Just before it
     * resumes, a client asks it for a read (a lease read when leases are on): with everything it
     * had queued, it must not answer from the lease it held before the pause.
     */
    private void pauseCutOffLeader(long electionNanos) {
        int l = leader();
        if (l < 0) return;
        long length = 2 * electionNanos + (long) (world.random.nextDouble() * 4 * electionNanos);
        cutOff(l);
        pause(l, length);
        probeLater(l, length - SimShape.MS);
        world.at(world.now() + length + (long) (world.random.nextDouble() * electionNanos), null, () -> {
            network.healPartitions();
            note("heal partitions");
        });
    }

    /**
     * A leader cut off from its peers for 2-6 election timeouts, still running (so, when its group
     * was quiet, still quiesced: no ticks, no CheckQuorum); the others' hosts suspect it and elect a
     * new leader, which commits. Meanwhile a client asks it for a (lease) read: it must not answer
     * from the lease it held when it went quiet.
     */
    private void cutOffLeader(long electionNanos) {
        int l = leader();
        if (l < 0) return;
        long length = 2 * electionNanos + (long) (world.random.nextDouble() * 4 * electionNanos);
        cutOff(l);
        // Between one and two election timeouts: the others' hosts suspect it and elect a new leader
        // after about one; its own host wakes it then too, and CheckQuorum deposes it about one later.
        probeLater(l, electionNanos + (long) (world.random.nextDouble() * electionNanos));
        world.at(world.now() + length, null, () -> {
            network.healPartitions();
            note("heal partitions");
        });
    }

    /**
     * A leader cut off from its peers (not paused) for 2-6 election timeouts while lease reads are on
     * (thesis §6.4.1). As soon as another member leads, a client writes through it; once that write
     * is answered, clients ask the old leader for lease reads. The old leader still believes it leads
     * until CheckQuorum deposes it (one to two election timeouts after the cut), and the others may
     * elect a new leader after one: only the expiry of its lease keeps it from answering these reads
     * from a state without the newer write.
     */
    private void cutOffLeaderThenWriteElsewhere(long electionNanos) {
        int l = leader();
        if (l < 0 || deposedLeader >= 0) return;
        long length = 2 * electionNanos + (long) (world.random.nextDouble() * 4 * electionNanos);
        cutOff(l);
        deposedLeader = l;
        world.at(world.now() + length, null, () -> {
            deposedLeader = -1;
            network.healPartitions();
            note("heal partitions");
        });
    }

    /** A one-read client asks member {@code i} for a read (a lease read when leases are on) after {@code delay}. */
    private void probeLater(int i, long delay) {
        SimClient probe = new SimClient(this, clients.length + 1000 + probeIds++, i, false, null);
        world.at(world.now() + delay, null, probe::next);
    }

    /** A one-write client writes through member {@code i}; once answered, three clients read from member {@code old}. */
    private void writeThenReadFrom(int i, int old) {
        note("write through " + ids[i] + ", then lease reads from deposed " + ids[old]);
        SimClient writer = new SimClient(this, clients.length + 1000 + probeIds++, i, true, () -> {
            for (int r = 0; r < 3; r++) probeLater(old, 0);
        });
        world.at(world.now(), null, writer::next);
    }

    /**
     * Cuts the next new leader off before its first appends arrive: leaders that cannot replicate
     * their first entries are what the commit rules of Raft paper Figure 8 are about.
     */
    void newLeader(int i) {
        if (figure8.newLeader(i) || forgottenTerm.newLeader(i)) return;
        if (churnLeft > 0 && !healed) {
            // Within a few message delays: the new leader's first entries reach some followers only
            // (the histories of Raft paper Figure 8, where only the current-term rule keeps an earlier
            // term's entry from being committed by counting replicas).
            churnLeft--;
            long after = (long) (world.random.nextDouble() * 4 * shape.maxDelayNanos());
            boolean crash = world.random.nextBoolean();
            world.at(world.now() + after, null, () -> {
                if (healed || servers[i] == null) return;
                if (crash) {
                    crash(i);
                } else {
                    cutOff(i);
                    healPartitionsLater();
                }
            });
        }
        if (deposedLeader >= 0 && deposedLeader != i && !healed) {
            int old = deposedLeader;
            deposedLeader = -1;
            writeThenReadFrom(i, old);
        }
        if (!isolateNextLeader || healed) return;
        isolateNextLeader = false;
        for (int j = 0; j < servers.length; j++) {
            if (j == i) continue;
            network.block(i, j);
            network.block(j, i);
        }
        stats.partitions++;
        note("isolate new leader " + ids[i]);
        healPartitionsLater();
    }

    private void healPartitionsLater() {
        world.at(world.now() + (100 + world.random.nextInt(900)) * SimShape.MS, null, () -> {
            network.healPartitions();
            note("heal partitions");
        });
    }

    /** Member {@code i}'s raft address. */
    private static Endpoint raftAddress(int i) {
        return new Endpoint("n" + (i + 1) + ".sim", 7000);
    }

    /**
     * Member {@code i}'s client address: not its raft address, which a membership change refuses
     * (with equal ones, every addVoter and addLearner of the simulation was refused).
     */
    private static Endpoint clientAddress(int i) {
        return new Endpoint("n" + (i + 1) + ".sim", 8000);
    }

    /**
     * The storage fault "a member's hard state is lost at a crash" is injected within what the
     * repair promises (docs/operations.md): one member at a time, in a group of at least three
     * voters that no membership change touches (a repairing member must not be left in a group too
     * small to elect without it).
     */
    private boolean hardStateLossAllowed() {
        if (shape.voters() < 3 || shape.learners() > 0 || shape.spares() > 0 || stats.configChanges > 0) return false;
        for (int j = 0; j < servers.length; j++) {
            if (disks[j].repairing()) return false;
        }
        return true;
    }

    private void reconfigure() {
        if (hardStateLost) return; // see hardStateLossAllowed
        int l = leader();
        if (l < 0) return;
        RaftServer leader = servers[l];
        ServerStatus s = leader.status();
        int pick = world.random.nextInt(servers.length);
        NodeId id = ids[pick];

        String what;
        CompletableFuture<?> f;
        if (!s.config().contains(id)) {
            boolean voter = world.random.nextBoolean();
            what = (voter ? "add voter " : "add learner ") + id;
            f = voter ? leader.addVoter(Member.voter(id, raftAddress(pick), clientAddress(pick)))
                    : leader.addLearner(Member.learner(id, raftAddress(pick), clientAddress(pick)));
        } else if (s.config().learners().contains(id)) {
            what = "promote " + id;
            f = leader.promoteLearner(id);
        } else if (s.config().voters().size() > 1 && world.random.nextInt(3) == 0) {
            what = "remove " + id;
            f = leader.removeMember(id);
        } else {
            return;
        }
        stats.configChanges++;
        note(ids[l] + " " + what);
        f.whenComplete((config, error) -> {
            if (error == null) note(ids[l] + " " + what + " done: " + config);
        });
        ignore(f);
    }

    private void transferLeadership() {
        int l = leader();
        if (l < 0) return;
        List<NodeId> voters = new ArrayList<>(servers[l].status().config().voters());
        NodeId target = voters.get(world.random.nextInt(voters.size()));
        stats.transfers++;
        note(ids[l] + " transfer leadership to " + target);
        ignore(servers[l].transferLeadership(target));
    }

    private static void ignore(CompletableFuture<?> f) {
        f.exceptionally(e -> null); // refusals are part of the test
    }

    private void healEverything() {
        healed = true;
        note("heal everything");
        network.healPartitions();
        network.faults(0, 0, 0);
        for (int i = 0; i < servers.length; i++) {
            disks[i].crashAtNextWrite(null, false);
            if (servers[i] == null) spawn(i);
            else if (processes[i].paused()) processes[i].resume();
        }
    }

    // ------------------------------------------------------------------ reporting

    @Override
    public void note(String what) {
        String line = String.format("%9.3f ms  %s", world.now() / 1e6, what);
        trace[(int) (traced++ % TRACE)] = line;
        if (traceSink != null) traceSink.accept(line);
    }

    String recentEvents() {
        StringBuilder sb = new StringBuilder();
        for (long i = Math.max(0, traced - TRACE); i < traced; i++) sb.append("    ").append(trace[(int) (i % TRACE)]).append('\n');
        return sb.toString();
    }

    @Override
    public String describeNodes() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < servers.length; i++) {
            sb.append("    ").append(ids[i]).append(": ");
            if (servers[i] == null) sb.append("down");
            else sb.append(processes[i].paused() ? "paused " : "").append(servers[i].status());
            sb.append('\n');
        }
        return sb.toString();
    }

    String describe(int mask) {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) ((mask >> i & 1) == 1 ? a : b).add(ids[i].value());
        return a + " | " + b;
    }

    @Override
    public int indexOf(NodeId id) {
        Integer i = indexOf.get(id);
        return i == null ? -1 : i;
    }
}
